import Foundation

/// What `gw mayor status` reports.
public struct AgentStatus: Sendable, Codable, Equatable {
    /// starting | idle | busy | deferred | waiting_permission | paused | dead | crash_loop | stopped
    public var state: String
    public var agent: String
    public var profile: String
    public var sessionId: String?
    public var uptimeSeconds: Double?
    public var restarts: Int
    public var note: String?
    public var deferredBecause: String?
    /// Deliveries wait until then: the agent hit a usage or rate limit (`pausedBecause` says which).
    public var pausedUntil: Date?
    public var pausedBecause: String?
    public var waitingPermission: String?
    public var queuedTurns: Int
    /// The oldest turn not yet ended and why it waits (`TurnQueue`), or nil when none waits.
    public var oldestWaiting: TurnQueue.Entry?
    public var lastTurn: Turn?
    /// The latest permissions asked from the chat and what became of them, newest first (filled in by
    /// whoever knows the chat).
    public var permissions: [PermissionRecord] = []
}

/// A permission the agent asked for and its answer.
public struct PermissionRecord: Sendable, Codable, Equatable {
    public var id: Int64
    public var tool: String
    public var input: String
    /// pending, allowed, denied or timed_out.
    public var state: String
    public var askedAt: Date
    public var decidedAt: Date?
    /// Who answered (a Telegram user id); nil for a timeout.
    public var decidedBy: Int64?

    public init(id: Int64, tool: String, input: String, state: String, askedAt: Date, decidedAt: Date?, decidedBy: Int64?) {
        self.id = id
        self.tool = tool
        self.input = input
        self.state = state
        self.askedAt = askedAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
    }
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
            else if let until = record?.pausedUntil, until > runtime.environment.clock.now(), !inFlight { state = "paused" }
            else if queued > 0 && record?.deferred != nil { state = "deferred" }
            else if inFlight { state = "busy" }
            else { state = "idle" }
        }
        let uptime = (pane.exists && !pane.dead) ? record?.startedAt.map { runtime.environment.clock.now().timeIntervalSince($0) } : nil
        return AgentStatus(state: state, agent: runtime.name, profile: runtime.profile.name, sessionId: record?.sessionId,
                           uptimeSeconds: uptime, restarts: record?.restarts ?? 0, note: record?.note,
                           deferredBecause: queued > 0 ? record?.deferred : nil,
                           pausedUntil: state == "paused" ? record?.pausedUntil : nil, pausedBecause: state == "paused" ? record?.pauseReason : nil,
                           waitingPermission: record?.permission,
                           queuedTurns: queued, oldestWaiting: waiting.first,
                           lastTurn: try await ledger.lastEndedOrRunningTurn(agent: runtime.name))
    }
}
