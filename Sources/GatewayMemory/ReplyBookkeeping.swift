import Foundation
import GatewayCore
import GatewayAgents

/// What follows a Mayor's reply, for a turn its Stop hook left `replied`: the session extraction and its
/// commit, then the turn marked done, then the memory upkeep (the flush turn's check, a flush when the
/// context is full). A running daemon does this as soon as the hook pokes it, so the hook returns to
/// Claude without waiting on git; the hook does it itself when no daemon took the poke, and a daemon
/// (or a command delivering without one) finishes any a stopped daemon left.
///
/// The order is the point: the commit lands before the turn counts as done, so whoever waits for the
/// turn — a beat storing its finding, `gw mayor send` — commits after the extraction, never beside it.
public struct ReplyBookkeeping: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    /// The Mayor's Claude folder: the only place its transcript may be read from.
    let claudeHome: ClaudeConfigHome
    let config: @Sendable () throws -> MemoryConfig

    public init(environment: GatewayEnvironment, town: Town, claudeHome: ClaudeConfigHome, config: @escaping @Sendable () throws -> MemoryConfig) {
        self.environment = environment
        self.town = town
        self.claudeHome = claudeHome
        self.config = config
    }

    /// Finishes every `replied` turn; returns their ids (the caller pokes whoever waits for them).
    @discardableResult
    public func finishAll(ledger: Ledger) async throws -> [Int64] {
        let finished = try await finishAllLeavingIndex(ledger: ledger)
        refreshIndex(finished.unindexed)
        return finished.turns
    }

    /// What `finishAllLeavingIndex` did and left.
    public struct Finished: Sendable {
        public var turns: [Int64] = []
        /// Session logs written but not yet read into the search index: `refreshIndex`.
        public var unindexed: [String] = []

        public init(turns: [Int64] = [], unindexed: [String] = []) {
            self.turns = turns
            self.unindexed = unindexed
        }
    }

    /// `finishAll` without the search index: the daemon starts the next turn first, then indexes.
    public func finishAllLeavingIndex(ledger: Ledger) async throws -> Finished {
        var finished = Finished()
        for turn in try await ledger.repliedTurns() {
            guard let unindexed = try await finishLeavingIndex(turn, ledger: ledger) else { continue }
            finished.turns.append(turn.id)
            finished.unindexed += unindexed.filter { !finished.unindexed.contains($0) }
        }
        return finished
    }

    /// Reads session logs the finished turns wrote into the search index.
    public func refreshIndex(_ files: [String]) {
        SessionExtractor.refreshIndex(files, environment: environment, town: town)
    }

    /// Extracts what the turn's Stop added to the transcript, then marks the turn done. A failure to
    /// extract is logged and never holds the turn: the next Stop's extraction reads from the same
    /// offsets, so nothing said is lost. False when another process finished it first.
    public func finish(_ turn: Turn, ledger: Ledger) async throws -> Bool {
        guard let unindexed = try await finishLeavingIndex(turn, ledger: ledger) else { return false }
        refreshIndex(unindexed)
        return true
    }

    /// `finish` without the index: returns the session logs left for it, or nil when another process
    /// finished the turn first.
    func finishLeavingIndex(_ turn: Turn, ledger: Ledger) async throws -> [String]? {
        let hooks = MayorMemoryHooks(environment: environment, town: town, config: config)
        let stop = try await ledger.latestEvent(agent: turn.agent, named: .stop)
        var event = HookEvent(name: .stop, json: stop?.payload ?? "{}")
        // Checked again: the payload in the ledger is what the agent sent, before the hook vetted it.
        if let path = event.transcriptPath,
           case .failure = TranscriptAccess(home: claudeHome).check(path) {
            event.transcriptPath = nil
        }
        let extraction = await hooks.extract(event, reply: turn.reply)
        guard try await ledger.finishReplied(turn.id, at: environment.clock.now()) else {
            refreshIndex(extraction.unindexed)
            return nil
        }
        let outcome = HookOutcome(eventId: stop?.id ?? 0, turnId: turn.id, turnState: .done)
        await hooks.afterRecording(event, outcome: outcome, contextTokens: extraction.contextTokens)
        return extraction.unindexed
    }
}
