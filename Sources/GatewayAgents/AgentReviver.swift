import Foundation
import GatewayCore

/// What happens when an agent's pane dies (tmux's pane-died hook runs `gw agent-died NAME`): the turn in
/// flight fails, and the agent is restarted after a backoff — resuming the same conversation, so it
/// keeps its context — until too many restarts in a window make it a crash loop.
public struct AgentReviver: Sendable {
    public let lifecycle: AgentLifecycle

    public init(lifecycle: AgentLifecycle) { self.lifecycle = lifecycle }

    var runtime: AgentRuntime { lifecycle.runtime }
    var settings: MayorSettings { runtime.settings.mayor }
    var who: String { runtime.name == "mayor" ? "Mayor" : "agent \(runtime.name)" }

    public enum Decision: Sendable, Equatable {
        /// Stopped on purpose (by Gateway or by the person in the pane): nothing to do.
        case leftStopped
        /// Another handler (tmux's pane-died hook, or the daemon's health check) already recorded this
        /// death and is restarting the agent: counting it twice would hasten a false crash loop.
        case alreadyHandled
        case crashLoop(restarts: Int)
        case restart(after: TimeInterval, resume: Bool)
    }

    /// The delay before the `restart`-th restart in the window: the backoff doubling up to its maximum.
    public static func backoff(restart: Int, base: ConfigDuration, maximum: ConfigDuration) -> TimeInterval {
        let doubled = base.seconds * pow(2, Double(max(0, restart - 1)))
        return min(doubled, maximum.seconds)
    }

    /// Records the death and decides what to do; then, unless stopped or looping, sleeps the backoff
    /// and restarts. Returns the decision.
    @discardableResult
    public func handleDeath() async throws -> Decision {
        let decision = try await recordDeath()
        guard case .restart(let delay, let resume) = decision else { return decision }
        if delay > 0 { try await runtime.environment.clock.sleep(for: .seconds(delay)) }
        try await restartIfStillDead(resume: resume)
        return decision
    }

    /// Restarts the agent if it is still recorded dead and its pane is not running — the second half of
    /// `handleDeath`, and what the daemon calls for a death whose handler itself died mid-backoff.
    /// Returns whether it restarted.
    @discardableResult
    public func restartIfStillDead(resume: Bool = true) async throws -> Bool {
        try await FileLock.withLockAsync(runtime.lifecycleLock) {
            let ledger = try runtime.openLedger()
            // Someone may have stopped or restarted it while we waited.
            guard try await ledger.agent(runtime.name)?.state == .dead, !(await lifecycle.isRunning()) else { return false }
            let previous = try await ledger.agent(runtime.name)?.sessionId
            let sessionId = resume ? (previous ?? UUID().uuidString.lowercased()) : UUID().uuidString.lowercased()
            let note = resume ? "restarted after a crash, resuming session \(sessionId)"
                              : "the saved conversation could not be resumed; started a new session \(sessionId)"
            try await lifecycle.launch(sessionId: sessionId, resume: resume && previous != nil, ledger: ledger, note: note)
            return true
        }
    }

    func recordDeath() async throws -> Decision {
        try await FileLock.withLockAsync(runtime.lifecycleLock) {
            let ledger = try runtime.openLedger()
            let now = runtime.environment.clock.now()
            guard let record = try await ledger.agent(runtime.name) else { return .leftStopped }
            if record.state == .stopped || record.state == .crashLoop { return .leftStopped }
            if record.state == .dead { return .alreadyHandled }
            let screen = (try? await lifecycle.capture()) ?? ""
            try? FileSystem.writeAtomically(screen, to: runtime.lastScreenFile)
            let failed = try await ledger.failTurnsInFlight(agent: runtime.name, error: "the agent died during the turn", at: now)
            runtime.environment.logger.warning("agent \(runtime.name) died; failed turns \(failed)")
            // A daemon acts on their end now (a beat's failure), not after this handler's backoff.
            if !failed.isEmpty { DaemonDoorbell(town: runtime.town).ring(.ended, agent: runtime.name) }
            if try await exitedOnPurpose(ledger: ledger, since: record.startedAt) {
                try await ledger.setAgentState(runtime.name, .stopped, note: "the agent was exited from its pane")
                return .leftStopped
            }
            let windowStart = now.addingTimeInterval(-settings.crashLoopWindow.seconds)
            let earlier = try await ledger.restartCount(runtime.name, since: windowStart)
            if earlier >= settings.crashLoopRestarts {
                let note = "crashed \(earlier + 1) times within \(settings.crashLoopWindow); not restarting. Read `gw mayor status`, then `gw mayor restart`"
                try await ledger.setAgentState(runtime.name, .crashLoop, note: note)
                try await OwnerAlert(runtime: runtime, ledger: ledger).send(
                    // The same key as the daemon's health check uses: one notice per crash-loop episode.
                    source: "crashloop:\(runtime.name):\(record.startedAt.map { String(Int64($0.timeIntervalSince1970 * 1000)) } ?? "unknown")",
                    title: "Gateway: the \(who) is in a crash loop",
                    text: "Gateway stopped restarting the \(who): it \(note).\nIts last screen:\n\(AgentLifecycle.tail(screen, lines: 15))")
                return .crashLoop(restarts: earlier)
            }
            let resumeFailed = AgentScreen.dialog(in: screen) == .resumeFailed
            let count = try await ledger.recordRestart(runtime.name, at: now, reason: resumeFailed ? "resume failed" : "died", since: windowStart)
            try await ledger.setAgentState(runtime.name, .dead, note: "died; restart \(count) of at most \(settings.crashLoopRestarts) within \(settings.crashLoopWindow)")
            let delay = resumeFailed ? 0 : Self.backoff(restart: count, base: settings.restartBackoff, maximum: settings.restartBackoffMax)
            return .restart(after: delay, resume: !resumeFailed)
        }
    }

    /// A person typing `/exit` in the pane ends the session with SessionEnd(prompt_input_exit): that is
    /// a decision, not a crash.
    func exitedOnPurpose(ledger: Ledger, since: Date?) async throws -> Bool {
        let events = try await ledger.events(agent: runtime.name)
        guard let last = events.last(where: { $0.event == .sessionEnd }) else { return false }
        let event = HookEvent(name: last.event, json: last.payload)
        guard let reason = event.reason, ["prompt_input_exit", "logout"].contains(reason) else { return false }
        // Only a SessionEnd of the current run counts.
        return events.last?.id == last.id || events.last(where: { $0.event == .sessionStart }).map { $0.id < last.id } ?? true
    }
}
