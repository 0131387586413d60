import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
@testable import GatewayHeartbeat

/// A town whose Mayor is gw-agent-sim (the terminal double of Claude Code) on the town's own tmux
/// socket, answering from `rules`, with a console target named `terminal` for notifications. The tmux
/// server is killed by `close()`, which every test calls in a `defer`.
final class SimMayorTown: @unchecked Sendable {
    let directory = TemporaryDirectory("gw-beat")
    let town: Town
    let environment: GatewayEnvironment
    let output: CapturedOutput

    init(rules: String, heartbeat: String, extraConfig: String = "") async throws {
        town = try await installTown(in: directory)
        let rulesFile = directory.path("rules.toml")
        try rules.write(to: rulesFile, atomically: true, encoding: .utf8)
        try heartbeat.write(to: town.heartbeatFile, atomically: true, encoding: .utf8)
        var config = try String(contentsOf: town.configFile, encoding: .utf8)
        config = config.replacingOccurrences(of: "\n[mayor]\n", with: "\n[mayor]\nagent = \"sim\"\nsubmit_timeout = \"5s\"\n")
        config = config.replacingOccurrences(of: "\n[heartbeat]\n", with: "\n[heartbeat]\nnotify = [\"terminal\"]\n")
        config += """

            [notify.targets.terminal]
            kind = "console"

            [agents.sim]
            env = { GW_SIM_RULES = "\(rulesFile.path)", CLAUDE_CONFIG_DIR = "\(directory.path("claude-config").path)" }
            \(extraConfig)
            """
        try config.write(to: town.configFile, atomically: true, encoding: .utf8)
        (environment, output) = GatewayEnvironment.test(workingDirectory: town.root)
    }

    var config: GatewayConfig { get throws { try town.loadConfig() } }
    var ledger: Ledger { get throws { try Ledger(file: town.ledgerFile) } }
    func runner() -> BeatRunner { BeatRunner(environment: environment, town: town, startedAt: environment.clock.now()) }
    func mayor() throws -> AgentLifecycle { AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: try config)) }

    func dailyLog() throws -> String {
        let day = MemoryCalendar(config: try config).day(of: Date())
        return (try? String(contentsOf: town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day)), encoding: .utf8)) ?? ""
    }

    func tmux(_ arguments: [String]) throws -> ProcessResult {
        try LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket] + arguments))
    }

    func close() {
        _ = try? tmux(["kill-server"])
    }
}
