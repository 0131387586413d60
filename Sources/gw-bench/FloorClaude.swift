import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents

/// Claude Code on its own, as a person uses it: its TUI in a tmux session of this benchmark (not
/// Gateway's), on the same binary and gw-model-sim as the Mayor, with one Stop hook that writes the time
/// it fired. `turn` pastes a prompt, waits until the input line shows it, presses Enter and returns the
/// milliseconds from Enter to the Stop hook: Claude Code's own floor for a turn.
final class FloorClaude: @unchecked Sendable {
    let socket = "gw-bench-floor-\(getpid())"
    let session = "floor"
    let folder: URL
    let stopTimes: URL
    let tmux: String
    let screenProfile = AgentProfile.builtIns["claude"]!

    init(claude: String, modelURL: String, folder: URL) throws {
        self.folder = folder
        tmux = try Bench.tool("tmux")
        let home = folder.appendingPathComponent("home")
        let config = folder.appendingPathComponent("claude-config")
        let project = folder.appendingPathComponent("project")
        stopTimes = folder.appendingPathComponent("stop-times")
        for directory in [home, config, project] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        try ClaudeConfigHome(configDirectory: config, home: home).accountFile
            .apply([.completeOnboarding, .trustFolder(project), .approveAPIKey(BenchClaude.apiKey)])
        // `date` is the cheapest clock a hook command has; the shell and it cost about a millisecond.
        let hook: [String: Any] = ["hooks": [["type": "command", "command": "date +%s%N >> '\(stopTimes.path)'"]]]
        let settings = folder.appendingPathComponent("settings.json")
        try JSONSerialization.data(withJSONObject: ["hooks": ["Stop": [hook]]]).write(to: settings)
        var environment = ClaudeLocalModel(baseURL: modelURL, apiKey: BenchClaude.apiKey, configDirectory: config).environment
        environment["HOME"] = home.path
        var arguments = ["-L", socket, "new-session", "-d", "-s", session, "-x", "160", "-y", "50", "-c", project.path]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments += [claude, "--session-id", UUID().uuidString.lowercased(), "--settings", settings.path, "--permission-mode", "acceptEdits"]
        // Spawned, not run through Foundation's Process: the tmux server it leaves would keep that waiting.
        let status = try Spawn.wait(try Spawn.start(tmux, arguments, SpawnOptions(output: .null, errors: .null)))
        guard status == 0 else { throw GatewayError("tmux new-session for the floor Claude failed (exit \(status))") }
    }

    func stop() { Bench.killTmuxServer(socket) }

    func screen() throws -> AgentScreen {
        AgentScreen(text: try Bench.output(tmux, ["-L", socket, "capture-pane", "-p", "-t", session]), profile: screenProfile)
    }

    /// One turn; milliseconds from pressing Enter to the Stop hook firing.
    func turn(_ text: String) async throws -> Double {
        try await wait("its input line to be ready") { try self.screen().readyForInput }
        let before = stopLines().count
        let file = folder.appendingPathComponent("prompt.txt")
        try Data(text.utf8).write(to: file)
        try Bench.run(tmux, ["-L", socket, "load-buffer", "-b", "floor", file.path])
        try Bench.run(tmux, ["-L", socket, "paste-buffer", "-p", "-d", "-b", "floor", "-t", session])
        try await wait("the pasted prompt to show") { try self.screen().inputText.contains(text.prefix(20)) }
        let enter = Date()
        try Bench.run(tmux, ["-L", socket, "send-keys", "-t", session, "Enter"])
        try await wait("its Stop hook", every: .milliseconds(5)) { self.stopLines().count > before }
        guard let fired = stopLines().last.flatMap({ Double($0) }) else { throw GatewayError("the floor's Stop hook wrote no time") }
        return (fired / 1e9 - enter.timeIntervalSince1970) * 1000
    }

    func stopLines() -> [Substring] {
        ((try? String(contentsOf: stopTimes, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    private func wait(_ what: String, every pause: Duration = .milliseconds(20), _ done: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while try !done() {
            guard Date() < deadline else { throw GatewayError("the floor Claude: gave up waiting for \(what): \((try? screen().text) ?? "")") }
            try await Task.sleep(for: pause)
        }
    }
}
