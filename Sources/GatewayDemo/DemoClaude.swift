import Foundation
import GatewayCore
import GatewayAgents

/// How the demo runs the user's own Claude Code without touching their account or settings: a
/// temporary CLAUDE_CONFIG_DIR, and gw-model-sim (the scripted model double) as its model server.
enum DemoClaude {
    /// Any key works for the local double; Claude asks about a key it has not seen, so it is approved
    /// in the temporary config home.
    static let apiKey = "sk-ant-gateway-demo-0000000000000000"

    /// `GW_CLAUDE_BIN`, else `claude` on PATH.
    static func find(environment: GatewayEnvironment) -> String? {
        if let path = environment.variables["GW_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: path) { return path }
        return ExecutableLookup.find("claude", path: environment.variables["PATH"])
    }

    struct ModelServer: Sendable {
        let process: BackgroundProcess
        let url: String
        func stop() { process.stop() }
    }

    static func startModel(environment: GatewayEnvironment, base: URL, town: Town, log: URL) async throws -> ModelServer {
        let rules = base.appendingPathComponent("model-rules.toml")
        let notes = town.mayorDirectory.appendingPathComponent("notes").appendingPathComponent("daily-news.md")
        try FileSystem.writeAtomically(DemoScript.modelRules(notesFile: notes), to: rules)
        let binary = URL(fileURLWithPath: environment.executablePath).deletingLastPathComponent().appendingPathComponent("gw-model-sim").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw GatewayError("gw-model-sim is not next to gw (\(binary)): build every product with `swift build`")
        }
        let process = try BackgroundProcess([binary, "--port", "0", "--rules", rules.path, "--log", log.path],
                                            outputFile: base.appendingPathComponent("model-sim.out"))
        let line = try await process.waitForLine(startingWith: "listening on ", timeout: 20, clock: environment.clock)
        return ModelServer(process: process, url: String(line.dropFirst("listening on ".count)))
    }

    static func prepareHome(_ home: URL) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try ClaudeConfigHome(configDirectory: home, home: home).accountFile.apply([.completeOnboarding, .approveAPIKey(apiKey)])
    }

    static func profile(command: String, home: URL, modelURL: String) -> String {
        let environment = ClaudeLocalModel(baseURL: modelURL, apiKey: apiKey, configDirectory: home).environment
        let pairs = environment.sorted { $0.key < $1.key }.map { "\($0.key) = \(DemoScript.tomlString($0.value))" }.joined(separator: ", ")
        return "\n[agents.claude]\ncommand = \(DemoScript.tomlString(command))\nenv = { \(pairs) }\n"
    }
}
