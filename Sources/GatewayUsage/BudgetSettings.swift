import GatewayCore

/// What a budget may spend: tokens (input, cache writes and output) and an estimated cost, per day
/// and per month. A limit not set does not apply.
public struct BudgetLimits: Sendable, Equatable {
    public var dailyTokens: Int?
    public var monthlyTokens: Int?
    public var dailyCost: Double?
    public var monthlyCost: Double?

    public init(dailyTokens: Int? = nil, monthlyTokens: Int? = nil, dailyCost: Double? = nil, monthlyCost: Double? = nil) {
        self.dailyTokens = dailyTokens
        self.monthlyTokens = monthlyTokens
        self.dailyCost = dailyCost
        self.monthlyCost = monthlyCost
    }

    public var isEmpty: Bool { dailyTokens == nil && monthlyTokens == nil && dailyCost == nil && monthlyCost == nil }

    static let keys = ["daily_tokens", "monthly_tokens", "daily_cost", "monthly_cost"]

    init(_ table: TableReader) {
        func tokens(_ key: String) -> Int? {
            table.contains(key) ? table.integer(key, default: -1, range: 1...Int(Int32.max) * 1000).nonNegative : nil
        }
        func cost(_ key: String) -> Double? {
            table.contains(key) ? table.double(key, default: -1, range: 0.000_001...10_000_000).nonNegative : nil
        }
        dailyTokens = tokens("daily_tokens")
        monthlyTokens = tokens("monthly_tokens")
        dailyCost = cost("daily_cost")
        monthlyCost = cost("monthly_cost")
    }
}

private extension Int { var nonNegative: Int? { self < 0 ? nil : self } }
private extension Double { var nonNegative: Double? { self < 0 ? nil : self } }

/// The sources a budget of its own may cover.
public enum BudgetScope: String, Sendable, CaseIterable {
    case heartbeat, chat, sling
}

/// `[budget]`: the overall limits (all sources together) and `[budget.heartbeat]`, `[budget.chat]`,
/// `[budget.sling]`. No limit unless set.
public struct BudgetSettings: Sendable, Equatable {
    public var overall: BudgetLimits
    public var scopes: [BudgetScope: BudgetLimits]
    /// The overall limit pauses chat too (it pauses only heartbeats and slings otherwise).
    public var hard: Bool

    public init(overall: BudgetLimits = .init(), scopes: [BudgetScope: BudgetLimits] = [:], hard: Bool = false) {
        self.overall = overall
        self.scopes = scopes
        self.hard = hard
    }

    public var isEmpty: Bool { overall.isEmpty && scopes.values.allSatisfy(\.isEmpty) }

    /// Whether the overall limit pauses `scope`.
    public func overallCovers(_ scope: BudgetScope) -> Bool {
        scope != .chat || hard || scopes[.chat] != nil
    }

    public init(_ table: TableReader) {
        overall = BudgetLimits(table)
        hard = table.bool("hard", default: false)
        var scopes: [BudgetScope: BudgetLimits] = [:]
        for scope in BudgetScope.allCases {
            guard let inner = table.table(scope.rawValue) else { continue }
            scopes[scope] = BudgetLimits(inner)
            inner.finish()
        }
        self.scopes = scopes
        table.finish()
    }
}
