import Foundation
import GatewayCore

/// An agent's turns that have not ended, each with why it waits: what `gw mayor queue` lists and what
/// `gw mayor status` names when something is stuck.
public struct TurnQueue: Sendable {
    /// One turn not yet ended.
    public struct Entry: Sendable, Codable, Equatable {
        public var id: Int64
        public var state: Turn.State
        public var source: String
        public var createdAt: Date
        /// Seconds since it was queued (or, once sent, since it was sent).
        public var waitingSeconds: Double
        /// Size of its text in UTF-8 bytes, and its first line, shortened.
        public var bytes: Int
        public var preview: String
        /// Why it has not ended yet, in words.
        public var why: String
    }

    let runtime: AgentRuntime

    public init(runtime: AgentRuntime) { self.runtime = runtime }

    public func entries() async throws -> [Entry] {
        let ledger = try runtime.openLedger()
        let turns = try await ledger.pendingTurns(agent: runtime.name)
        let deferred = try await ledger.agent(runtime.name)?.deferred
        let daemonRuns = DaemonPidFile.runningPid(runtime.town) != nil
        let now = runtime.environment.clock.now()
        let inFlight = turns.first { $0.state != .queued }
        var firstQueued = true
        return turns.map { turn in
            let why: String
            switch turn.state {
            case .sent: why = "pasted, waiting for the agent to take it (its UserPromptSubmit hook)"
            case .submitted: why = "the agent is working on it; it times out after \(runtime.settings.mayor.turnTimeout)"
            case .replied: why = "answered; the daemon is saving the conversation to the session log before it counts as done"
            default:
                if let inFlight, firstQueued {
                    why = "waits for turn \(inFlight.id) to end"
                } else if !firstQueued {
                    why = "waits behind earlier turns"
                } else if let deferred {
                    why = "deferred: \(deferred)"
                } else if !daemonRuns {
                    why = "no daemon runs to deliver it: `gw daemon start`, or `gw mayor deliver` once"
                } else {
                    why = "next to be delivered"
                }
                firstQueued = false
            }
            let since = turn.state == .queued ? turn.createdAt : (turn.sentAt ?? turn.createdAt)
            let firstLine = turn.text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            return Entry(id: turn.id, state: turn.state, source: turn.source, createdAt: turn.createdAt,
                         waitingSeconds: max(0, now.timeIntervalSince(since)), bytes: turn.text.utf8.count,
                         preview: String(firstLine.prefix(80)), why: why)
        }
    }

    /// Drops a turn: a queued turn is never sent; a turn already pasted or taken is marked failed (the
    /// agent is not interrupted, and its reply, if one comes, is not recorded). Returns the state the
    /// turn was in.
    public func cancel(_ id: Int64) async throws -> Turn.State {
        let ledger = try runtime.openLedger()
        guard let turn = try await ledger.turn(id), turn.agent == runtime.name else {
            throw GatewayError("no turn \(id) for the \(runtime.name): `gw mayor queue` lists the turns that wait")
        }
        guard !turn.state.hasEnded else {
            throw GatewayError("turn \(id) has already ended (\(turn.state.rawValue)); there is nothing to cancel")
        }
        let how = turn.state == .queued ? "before it was sent" : "while the agent had it; its reply, if any, is not recorded"
        try await ledger.endTurn(id, state: .failed, error: "cancelled with `gw mayor cancel` \(how)", at: runtime.environment.clock.now())
        // A daemon acts on the end at once: the next turn goes, a beat waiting for this one is finished.
        DaemonDoorbell(town: runtime.town).ring(.ended, agent: runtime.name)
        return turn.state
    }
}
