import Foundation
import GatewayKit
import Logging
import GatewayCore
import GatewayAgents

/// A town whose Mayor runs on gw-agent-sim (the built-in double of Claude Code: instant `ECHO:` answers,
/// hooks fired as Claude fires them) under a running daemon, with the heartbeat on every 30 minutes.
/// Started through `gw daemon start`, exactly as a user starts it, and stopped the same way.
struct SimDaemonTown {
    let base: URL
    let town: Town
    /// For gw commands and the agent: a private Claude folder and HOME, so nothing of the user's is read.
    let variables: [String: String]
    let daemon: Int32
    let gw = Bench.product("gw")

    static func start(_ suite: String) async throws -> SimDaemonTown {
        let base = try Bench.scratch(suite)
        let gw = Bench.product("gw")
        let town = Town(root: base.appendingPathComponent("town"))
        try Bench.run(gw, ["install", town.root.path])
        try """
            [mayor]
            agent = "sim"

            [heartbeat]
            every = "30m"
            """.write(to: town.configFile, atomically: true, encoding: .utf8)
        let variables = ["CLAUDE_CONFIG_DIR": base.appendingPathComponent("claude").path, "HOME": base.path]
        try Bench.run(gw, ["daemon", "start", "--town", town.root.path], environment: variables)
        guard let daemon = DaemonPidFile.runningPid(town) else { throw GatewayError("the daemon did not start: see \(DaemonLog.file(for: town).path)") }
        let started = SimDaemonTown(base: base, town: town, variables: variables, daemon: daemon)
        try await started.waitForIdleMayor()
        return started
    }

    func stop() {
        try? Bench.run(gw, ["daemon", "stop", "--town", town.root.path], environment: variables)
        Bench.killTmuxServer(town.tmuxSocket)
        try? FileManager.default.removeItem(at: base)
    }

    /// Reads the Mayor's state as `gw mayor status` does (the ledger and its tmux pane).
    func mayorStatus() async throws -> AgentStatus {
        var logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        var environment = GatewayEnvironment.live(logger: logger)
        environment.variables.merge(variables) { _, new in new }
        environment.executablePath = gw
        let runtime = AgentRuntime.mayor(environment: environment, town: town, config: try town.loadConfig())
        return try await AgentStatusReader(lifecycle: AgentLifecycle(runtime: runtime)).read()
    }

    /// Until the daemon has started the Mayor and it sits idle, then until the daemon's log has been
    /// quiet for 2 s: the start's own work (backup, first steps) is over before anything is measured.
    func waitForIdleMayor() async throws {
        let deadline = Date().addingTimeInterval(60)
        while try await mayorStatus().state != "idle" {
            guard Date() < deadline else { throw GatewayError("the Mayor never became idle: \(try await mayorStatus().state)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        var size = logSize()
        var quietSince = Date()
        while Date().timeIntervalSince(quietSince) < 2, Date() < deadline {
            try await Task.sleep(for: .milliseconds(250))
            let now = logSize()
            if now != size { size = now; quietSince = Date() }
        }
    }

    func logSize() -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: DaemonLog.file(for: town).path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The daemon's log from byte `offset` on: what it did meanwhile.
    func log(from offset: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: DaemonLog.file(for: town).path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }
}
