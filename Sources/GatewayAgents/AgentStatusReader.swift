import Foundation

/// What `gw mayor status` reports.
public struct AgentStatus: Sendable, Codable, Equatable {
    /// starting | idle | busy | deferred | waiting_permission | dead | crash_loop | stopped
    public var state: String
    public var agent: String
    public var profile: String
    public var sessionId: String?
    public var uptimeSeconds: Double?
    public var restarts: Int
    public var note: String?
    public var deferredBecause: String?
    public var waitingPermission: String?
    public var queuedTurns: Int
    /// The oldest turn not yet ended and why it waits (`TurnQueue`), or nil when none waits.
    public var oldestWaiting: TurnQueue.Entry?
    public var lastTurn: Turn?
}

public struct AgentStatusReader: Sendable {
    let lifecycle: AgentLifecycle

    public init(lifecycle: AgentLifecycle) { self.lifecycle = lifecycle }

    public func read() async throws -> AgentStatus {
        let runtime = lifecycle.runtime
        let ledger = try runtime.openLedger()
        let record = try await ledger.agent(runtime.name)
        let waiting = try await TurnQueue(runtime: runtime).entries()
        let queued = waiting.filter { $0.state == .queued }.count
        let pane = await lifecycle.paneState()
        let inFlight = waiting.contains { $0.state != .queued }
        let state: String
        switch (record?.state, pane.exists && !pane.dead) {
        case (.crashLoop?, _): state = "crash_loop"
        case (nil, false), (.stopped?, false): state = "stopped"
        case (_, false): state = "dead"
        case (.starting?, true): state = "starting"
        default:
            if record?.permission != nil { state = "waiting_permission" }
            else if queued > 0 && record?.deferred != nil { state = "deferred" }
            else if inFlight { state = "busy" }
            else { state = "idle" }
        }
        let uptime = (pane.exists && !pane.dead) ? record?.startedAt.map { runtime.environment.clock.now().timeIntervalSince($0) } : nil
        return AgentStatus(state: state, agent: runtime.name, profile: runtime.profile.name, sessionId: record?.sessionId,
                           uptimeSeconds: uptime, restarts: record?.restarts ?? 0, note: record?.note,
                           deferredBecause: queued > 0 ? record?.deferred : nil, waitingPermission: record?.permission,
                           queuedTurns: queued, oldestWaiting: waiting.first,
                           lastTurn: try await ledger.lastEndedOrRunningTurn(agent: runtime.name))
    }
}
