import Foundation
import GatewayKit
import GatewayAgents

/// The real Claude Code for benchmarks: a temporary config home (onboarding done, the local key
/// approved) pointed at a gw-model-sim, so no account is touched and every answer is instant.
enum BenchClaude {
    static let apiKey = "sk-gw-bench-0000000000000000000000"

    /// Prepares `home` and returns the `[agents.claude]` table that runs `command` there.
    static func profile(command: String, home: URL, modelURL: String) throws -> String {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try ClaudeConfigHome(configDirectory: home, home: home).accountFile.apply([.completeOnboarding, .approveAPIKey(apiKey)])
        let env = ClaudeLocalModel(baseURL: modelURL, apiKey: apiKey, configDirectory: home).environment
            .sorted { $0.key < $1.key }.map { "\($0.key) = \"\($0.value)\"" }.joined(separator: ", ")
        return "\n[agents.claude]\ncommand = \"\(command)\"\nenv = { \(env) }\n"
    }
}
