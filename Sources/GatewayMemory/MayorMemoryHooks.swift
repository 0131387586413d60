import Foundation
import GatewayCore
import GatewayAgents

/// What the Mayor's hooks do for its memory, beside recording the event:
/// - Stop: extract the turns added to the transcript since the last Stop into the session logs, follow
///   the context use it reports, queue the flush turn when due, and check the flush turn when it ends;
/// - PreCompact: extract at once (no model call), so nothing said is lost to the summary;
/// - SessionStart `compact` (also `clear` and `startup`, which start from an empty context): a new
///   compaction cycle begins.
/// Failures are logged and never fail the hook: the agent must not stall on Gateway's bookkeeping.
public struct MayorMemoryHooks: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    /// Read only when a hook needs it; a config that cannot be read is logged, never fails the hook.
    let config: @Sendable () throws -> MemoryConfig

    public init(environment: GatewayEnvironment, town: Town, config: @escaping @Sendable () throws -> MemoryConfig) {
        self.environment = environment
        self.town = town
        self.config = config
    }

    /// Before the event is recorded: extraction. Its commit lands before the turn is marked ended, so
    /// whoever waits for the turn (a beat storing its finding) commits after it, never racing it.
    /// Returns the context figure the transcript reported, if any.
    public func beforeRecording(_ event: HookEvent, reply: String?) async -> Int? {
        let extraction = await extract(event, reply: reply)
        SessionExtractor.refreshIndex(extraction.unindexed, environment: environment, town: town)
        return extraction.contextTokens
    }

    /// What an extraction left for after the event is recorded.
    public struct Extraction: Sendable {
        /// The context figure the transcript reported, if any.
        public var contextTokens: Int?
        /// Session logs it changed that the search index has not read yet (`SessionExtractor.refreshIndex`).
        public var unindexed: [String] = []
    }

    /// The extraction of `beforeRecording` without the index, for a caller that marks the turn ended
    /// (and starts the next) first: the index is derived, and a search meanwhile reads a file it missed.
    public func extract(_ event: HookEvent, reply: String?) async -> Extraction {
        guard [.stop, .stopFailure, .preCompact].contains(event.name), let path = event.transcriptPath else { return Extraction() }
        do {
            let extractor = SessionExtractor(environment: environment, town: town, config: try config())
            let result = try await extractor.extract([URL(fileURLWithPath: path)], pendingReply: event.name == .stop ? reply : nil, index: false)
            return Extraction(contextTokens: result.contextTokens, unindexed: result.files)
        } catch {
            environment.logger.warning("session extraction failed in the \(event.name) hook", metadata: ["error": "\(error)"])
            return Extraction()
        }
    }

    /// After the event is recorded: the flush turn's check when it ended, the flush when due, and a new
    /// cycle when the context starts empty.
    public func afterRecording(_ event: HookEvent, outcome: HookOutcome, contextTokens: Int?) async {
        do {
            switch event.name {
            case .stop, .stopFailure:
                let flush = MemoryFlush(environment: environment, town: town, config: try config())
                if let ended = outcome.turnId, outcome.turnState?.hasEnded == true {
                    try await flush.checkAfterTurn(ended)
                }
                if let contextTokens {
                    try await flush.queueIfNeeded(contextTokens: contextTokens)
                }
            case .sessionStart where ["compact", "clear", "startup"].contains(event.source ?? "startup"):
                try MemoryFlush(environment: environment, town: town, config: try config()).resetCycle()
            default:
                break
            }
        } catch {
            environment.logger.warning("memory upkeep failed in the \(event.name) hook", metadata: ["error": "\(error)"])
        }
    }
}
