import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks
import GatewayAgents
import GatewayHeartbeat

/// What "idle" means for the idle-daemon figure, read from the daemon's pid file, the ledger, the
/// Mayor's pane and the heartbeat's schedule. A run once printed 4.3 % CPU that nobody could explain;
/// the figure is now printed only when every check held at the start, during and at the end of its window.
struct DaemonIdleState {
    var daemon: Int32?
    var mayor: AgentStatus
    var turnsNotEnded: Int
    var lastTurn: Int64?
    var lastHookEvent: Int64?
    var outboxWaiting: Int
    var lastBeat: Int64?
    var every: String?
    var nextBeat: Date?

    static func read(_ sim: SimDaemonTown, ledger: Ledger) async throws -> DaemonIdleState {
        let config = try sim.town.loadConfig()
        let document = (try? HeartbeatDocument.load(from: sim.town.heartbeatFile)) ?? .missing
        // The daemon schedules from its own start; its pid file's time is a moment earlier, so the due
        // time read here is never later than the daemon's.
        let scheduler = HeartbeatScheduler(settings: config.heartbeat, document: document, startedAt: DaemonPidFile.startedAt(sim.town) ?? Date())
        let counts = try await ledger.outboxStateCounts()
        return DaemonIdleState(
            daemon: DaemonPidFile.runningPid(sim.town),
            mayor: try await sim.mayorStatus(),
            turnsNotEnded: try await ledger.pendingTurns(agent: Hook.mayor).count,
            lastTurn: try await ledger.recentTurns(agent: Hook.mayor, limit: 1).first?.id,
            lastHookEvent: try await ledger.events(agent: Hook.mayor).last?.id,
            outboxWaiting: ["pending", "sending", "uncertain"].reduce(0) { $0 + (counts[$1] ?? 0) },
            lastBeat: try await ledger.heartbeatHistory(limit: 1).first?.id,
            every: config.heartbeat.every?.description,
            nextBeat: scheduler.dueTime(now: Date(), marks: try await ledger.loadHeartbeatMarks()))
    }

    /// Why this state is not the idle one the figure is defined for (empty: it is), given the state at
    /// the window's start and when the window ends.
    func problems(since start: DaemonIdleState, daemon pid: Int32, windowEnd: Date) -> [String] {
        var found: [String] = []
        if daemon != pid { found.append("the daemon (pid \(pid)) is no longer the one running (now \(daemon.map(String.init) ?? "none"))") }
        if mayor.state != "idle" { found.append("the Mayor is \(mayor.state)\(mayor.note.map { " (\($0))" } ?? "")") }
        if mayor.restarts != start.mayor.restarts { found.append("the Mayor restarted (restarts: \(start.mayor.restarts) → \(mayor.restarts))") }
        if turnsNotEnded > 0 { found.append("turns queued or in flight: \(turnsNotEnded)") }
        if lastTurn != start.lastTurn { found.append("a turn was created (now up to turn \(lastTurn ?? 0))") }
        if lastHookEvent != start.lastHookEvent { found.append("the Mayor's hooks fired (events up to \(lastHookEvent ?? 0))") }
        if outboxWaiting > 0 { found.append("notifications waiting in the outbox: \(outboxWaiting)") }
        if lastBeat != start.lastBeat { found.append("a beat ran or was skipped (beat \(lastBeat ?? 0))") }
        if every == nil { found.append("the heartbeat is off, and the figure is defined with it on") }
        if let nextBeat, nextBeat <= windowEnd { found.append("the next beat is due at \(Self.time(nextBeat)), within the window") }
        return found
    }

    var summary: String {
        let beat = nextBeat.map { "next beat \(Self.time($0)) (in \(Int($0.timeIntervalSinceNow)) s)" } ?? "no beat scheduled"
        return "daemon pid \(daemon.map(String.init) ?? "none"); Mayor \(mayor.state) (\(mayor.profile), \(mayor.restarts) restarts, "
            + "\(mayor.queuedTurns) queued, \(turnsNotEnded) not ended, last turn \(lastTurn.map(String.init) ?? "none")); "
            + "hook events up to \(lastHookEvent ?? 0); outbox waiting \(outboxWaiting); "
            + "heartbeat every \(every ?? "off"), \(beat), last beat \(lastBeat.map(String.init) ?? "none")"
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
