import Foundation
import Testing
import GatewayCore
import GatewayKit
import GatewayAgents
import GatewayMemory

extension TestTown {
    /// `[mayor]` timings short enough for tests that submit, retry and restart: a crash loop after two
    /// restarts within five minutes.
    public static let quickMayor = """
        [mayor]
        paste_delay = "300ms"
        submit_timeout = "3s"
        restart_backoff = "1s"
        restart_backoff_max = "2s"
        crash_loop_restarts = 2
        crash_loop_window = "5m"
        """

    /// The Mayor's runtime as `gw` builds it, for calls into the kit.
    public func runtime() throws -> AgentRuntime {
        .mayor(environment: environment, town: town, config: try config)
    }

    /// The Mayor's lifecycle (start, stop, deliver), for calls into the kit.
    public func mayor() throws -> AgentLifecycle { AgentLifecycle(runtime: try runtime()) }

    /// `gw mayor status --json`, decoded.
    public func status() async throws -> AgentStatus {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AgentStatus.self, from: Data(try await gwOK(["mayor", "status", "--json"]).utf8))
    }

    public func turns() async throws -> [Turn] { try await ledger().recentTurns(agent: "mayor", limit: 100).reversed() }

    /// The events with their names as Claude spells them, as the ledger stores them.
    public func events() async throws -> [(id: Int64, event: String, payload: String)] {
        try await ledger().events(agent: "mayor").map { ($0.id, $0.event.rawValue, $0.payload) }
    }

    public func agent() async throws -> AgentRecord? { try await ledger().agent("mayor") }

    /// Today's daily log in the Mayor's hook, or "" before there is one.
    public func dailyLog() throws -> String {
        let day = MemoryCalendar(config: try config).day(of: Date())
        return (try? String(contentsOf: town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day)), encoding: .utf8)) ?? ""
    }

    /// Waits until `gw mayor status` shows the Mayor idle after its `count`-th restart. Status looks at
    /// the pane, which also lets tmux run a pane-died hook it was slow to run.
    public func waitForRestart(_ count: Int) async throws {
        try await wait("restart \(count)") { () -> Bool? in
            let status = try await status()
            return status.restarts == count && status.state == "idle" ? true : nil
        }
    }

    /// Waits until no `gw agent-died` handler of this town's Mayor runs. tmux's pane-died hook starts
    /// one per death, and without a daemon only such a handler restarts the Mayor (after its backoff):
    /// once the handler that declared a crash loop has exited, no restart can come.
    public func waitForDeathHandlersToExit() async throws {
        try await wait("the Mayor's death handlers to exit") { () -> Bool? in
            try await KernelFacts.anyProcess(commandLineContaining: "agent-died mayor --town \(town.root.path)") ? nil : true
        }
    }

    /// Waits until the Mayor is recorded running with a live pane (another than `previous`); returns its pid.
    @discardableResult
    public func waitForMayor(timeout: Double = 180, not previous: Int32? = nil) async throws -> Int32 {
        let ledger = try ledger()
        return try await wait("the Mayor to come up", timeout: timeout) { () -> Int32? in
            guard try await ledger.agent("mayor")?.state == .running, let pane = try await mayorPane(), !pane.dead, pane.pid != previous else { return nil }
            return pane.pid
        }
    }
}

/// The real Claude Code for the Mayor suite, or nil (with the reason printed once) when the suite skips.
public func mayorClaudeBinary() throws -> URL? {
    guard RealClaude.shouldRun() else { return nil }
    return try RealClaude.requireBinary()
}
