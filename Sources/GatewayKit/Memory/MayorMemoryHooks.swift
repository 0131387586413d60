import Foundation

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

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    public func handle(_ event: HookEvent, outcome: HookOutcome, reply: String?) async {
        do {
            switch event.name {
            case "Stop", "StopFailure", "PreCompact":
                let config = try town.loadConfig()
                var contextTokens: Int?
                if let path = event.transcriptPath {
                    contextTokens = try await SessionExtractor(environment: environment, town: town, config: config)
                        .extract([URL(fileURLWithPath: path)], pendingReply: event.name == "Stop" ? reply : nil).contextTokens
                }
                guard event.name != "PreCompact" else { return }
                let flush = MemoryFlush(environment: environment, town: town, config: config)
                if let ended = outcome.turnId, outcome.turnState?.hasEnded == true {
                    try await flush.checkAfterTurn(ended)
                }
                if let tokens = contextTokens {
                    try await flush.queueIfNeeded(contextTokens: tokens)
                }
            case "SessionStart" where ["compact", "clear", "startup"].contains(event.source ?? "startup"):
                // The context starts (almost) empty again: the next crossing of the threshold flushes again.
                try MemoryFlush(environment: environment, town: town, config: try town.loadConfig()).resetCycle()
            default:
                break
            }
        } catch {
            environment.logger.warning("memory upkeep failed in the \(event.name) hook", metadata: ["error": "\(error)"])
        }
    }
}
