import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork

/// A town with one rig `app` (a real git project) whose polecats run gw-agent-sim, the terminal double,
/// answering from `rules`, on the town's own tmux socket. `close()` kills that tmux server; every test
/// calls it in a `defer`.
final class PolecatTown: @unchecked Sendable {
    let directory = TemporaryDirectory("gw-sling")
    let town: Town
    let environment: GatewayEnvironment

    init(rules: String, polecats: String = "") async throws {
        town = try await installTown(in: directory)
        let rulesFile = directory.path("rules.toml")
        try rules.write(to: rulesFile, atomically: true, encoding: .utf8)
        var config = try String(contentsOf: town.configFile, encoding: .utf8)
        config = config.replacingOccurrences(of: "\n[mayor]\n", with: "\n[mayor]\nagent = \"sim\"\nsubmit_timeout = \"5s\"\n")
        config = config.replacingOccurrences(of: "\n[polecats]\n", with: "\n[polecats]\n\(polecats)\n")
        config += """

            [agents.sim]
            env = { GW_SIM_RULES = "\(rulesFile.path)", CLAUDE_CONFIG_DIR = "\(directory.path("claude-config").path)" }
            """
        try config.write(to: town.configFile, atomically: true, encoding: .utf8)
        // Agents get HOME from this environment only (never from the test process): git in a polecat
        // needs it for the identity its commits carry.
        environment = GatewayEnvironment.test(workingDirectory: town.root, variables: ["HOME": NSHomeDirectory()]).0
        let project = try makeProject(in: directory.url)
        _ = try await RigManager(environment: environment, town: town).add(name: "app", source: project.path)
    }

    var config: GatewayConfig { get throws { try town.loadConfig() } }
    var ledger: Ledger { get throws { try Ledger(file: town.ledgerFile) } }
    var supervisor: PolecatSupervisor { get throws { PolecatSupervisor(environment: environment, town: town, config: try config) } }
    var bareRepository: URL { town.rigRepository("app") }

    /// A file on a hook branch of the town repo, read with git (not from the worktree).
    func hookFile(_ agent: String, _ path: String) throws -> String {
        try shell("git show hooks/\(agent):\(path)", in: town.root)
    }

    func tmux(_ arguments: [String]) throws -> ProcessResult {
        try LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket] + arguments))
    }

    func sessionExists(_ name: String) throws -> Bool {
        try tmux(["has-session", "-t", "=\(name)"]).succeeded
    }

    func close() {
        _ = try? tmux(["kill-server"])
    }
}
