import GatewayCore
/// `[memory]` in gateway.toml.
public struct MemorySettings: Sendable, Equatable {
    /// Claude Code takes at most 10,000 characters from a SessionStart hook.
    public static let hookLimit = 10_000

    /// Characters the priming text may use, at most `hookLimit`.
    public var primeBudget: Int = hookLimit
    /// How many of the most recent daily logs priming considers.
    public var primeDays: Int = 7
    /// The share of the context window at which the Mayor is asked, once per compaction cycle, to
    /// append the day's durable facts to today's log while it still holds them.
    public var flushAt: Double = 0.8
    /// The Mayor's context window in tokens, against which its transcript's usage figures are measured.
    public var contextWindow: Int = 200_000
    /// The Mayor's context in tokens at which the flush turn is queued.
    public var flushThreshold: Int { Int((Double(contextWindow) * flushAt).rounded()) }

    public init() {}

    package init(_ table: TableReader) {
        primeBudget = table.integer("prime_budget", default: primeBudget, range: 500...Self.hookLimit)
        primeDays = table.integer("prime_days", default: primeDays, range: 1...90)
        flushAt = table.double("flush_at", default: flushAt, range: 0.1...1.0)
        contextWindow = table.integer("context_window", default: contextWindow, range: 1_000...10_000_000)
        table.finish()
    }
}
