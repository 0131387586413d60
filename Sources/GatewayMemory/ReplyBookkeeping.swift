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
        var finished: [Int64] = []
        for turn in try await ledger.repliedTurns() where try await finish(turn, ledger: ledger) {
            finished.append(turn.id)
        }
        return finished
    }

    /// Extracts what the turn's Stop added to the transcript, then marks the turn done. A failure to
    /// extract is logged and never holds the turn: the next Stop's extraction reads from the same
    /// offsets, so nothing said is lost. False when another process finished it first.
    public func finish(_ turn: Turn, ledger: Ledger) async throws -> Bool {
        let hooks = MayorMemoryHooks(environment: environment, town: town, config: config)
        let stop = try await ledger.latestEvent(agent: turn.agent, named: .stop)
        var event = HookEvent(name: .stop, json: stop?.payload ?? "{}")
        // Checked again: the payload in the ledger is what the agent sent, before the hook vetted it.
        if let path = event.transcriptPath,
           case .failure = TranscriptAccess(home: claudeHome).check(path) {
            event.transcriptPath = nil
        }
        let contextTokens = await hooks.beforeRecording(event, reply: turn.reply)
        guard try await ledger.finishReplied(turn.id, at: environment.clock.now()) else { return false }
        let outcome = HookOutcome(eventId: stop?.id ?? 0, turnId: turn.id, turnState: .done)
        await hooks.afterRecording(event, outcome: outcome, contextTokens: contextTokens)
        return true
    }
}
