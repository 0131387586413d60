/// `[memory]` in gateway.toml.
public struct MemorySettings: Sendable, Equatable {
    /// Claude Code takes at most 10,000 characters from a SessionStart hook.
    public static let hookLimit = 10_000

    /// Characters the priming text may use, at most `hookLimit`.
    public var primeBudget: Int = hookLimit
    /// How many of the most recent daily logs priming considers.
    public var primeDays: Int = 7

    public init() {}

    init(_ table: TableReader) {
        primeBudget = table.integer("prime_budget", default: primeBudget, range: 500...Self.hookLimit)
        primeDays = table.integer("prime_days", default: primeDays, range: 1...90)
        table.finish()
    }
}
