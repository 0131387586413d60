import Foundation
import GatewayCore
import GRDB

/// Spending in one budget period: tokens as budgets count them, and the estimated cost.
public struct Spending: Sendable, Equatable {
    public var tokens = TokenCounts()
    public var cost: Double = 0
    /// Models with no price, whose messages the cost leaves out.
    public var unpriced: Set<String> = []

    public init() {}

    mutating func add(_ row: UsageRow, prices: UsagePrices) {
        tokens += row.tokens
        if let price = prices.price(of: row.model) { cost += price.cost(row.tokens) } else { unpriced.insert(row.model) }
    }
}

/// A source paused by its budget: which limit, how much was spent, and when it resets.
public struct BudgetPause: Sendable, Equatable, Codable {
    /// `heartbeat`, `chat`, `sling`, or `all` for the overall limit.
    public var budget: String
    public var limit: String
    public var until: Date

    /// "the heartbeat budget's daily tokens (412,000 of 400,000)".
    public var description: String {
        "\(budget == "all" ? "the overall budget" : "the \(budget) budget")'s \(limit)"
    }
}

/// Decides what a budget pauses now, from the month's usage.
public struct BudgetGate: Sendable {
    public let settings: BudgetSettings
    public let prices: UsagePrices
    /// Where a day starts: midnight in the heartbeat's time zone.
    public let zone: TimeZone

    public init(settings: BudgetSettings, prices: UsagePrices, zone: TimeZone) {
        self.settings = settings
        self.prices = prices
        self.zone = zone
    }

    public var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The start of the period's day and month containing `now`, and the next ones.
    public func periods(at now: Date) -> (day: DateInterval, month: DateInterval) {
        let calendar = self.calendar
        let day = calendar.dateInterval(of: .day, for: now) ?? DateInterval(start: now, duration: 86_400)
        let month = calendar.dateInterval(of: .month, for: now) ?? DateInterval(start: now, duration: 86_400 * 30)
        return (day, month)
    }

    /// Every pause in force at `now` for `scope`, the latest reset first; empty when it may spend.
    /// `rows`: usage since the month began; `resumedUntil`: the owner's override (`gw budget resume`).
    public func pauses(for scope: BudgetScope, rows: [UsageRow], at now: Date, resumedUntil: Date?) -> [BudgetPause] {
        if let resumedUntil, now < resumedUntil { return [] }
        var found: [BudgetPause] = []
        if let limits = settings.scopes[scope] {
            let mine = rows.filter { UsageSource(turnSource: $0.turnSource).scope == scope }
            found += exceeded(limits, rows: mine, budget: scope.rawValue, at: now)
        }
        if settings.overallCovers(scope) {
            found += exceeded(settings.overall, rows: rows, budget: "all", at: now)
        }
        return found.sorted { $0.until > $1.until }
    }

    /// The pause in force for `scope` now, the one that lasts longest; nil when it may spend (always
    /// without a budget). Reads new usage first, so a beat right after a costly turn sees it.
    public func pause(_ scope: BudgetScope, ledger: Ledger, environment: GatewayEnvironment) async throws -> BudgetPause? {
        guard !settings.isEmpty else { return nil }
        try await UsageCollector(environment: environment).collect(ledger: ledger)
        let now = environment.clock.now()
        let rows = try await ledger.usageRows(since: periods(at: now).month.start)
        return pauses(for: scope, rows: rows, at: now, resumedUntil: try await ledger.budgetResumedUntil()).first
    }

    /// For each source a budget pauses now, the pause that lasts longest.
    public func pausedSources(rows: [UsageRow], at now: Date, resumedUntil: Date?) -> [(scope: BudgetScope, pause: BudgetPause)] {
        BudgetScope.allCases.compactMap { scope in
            pauses(for: scope, rows: rows, at: now, resumedUntil: resumedUntil).first.map { (scope, $0) }
        }
    }

    /// What `rows` spent today and this month.
    public func spending(_ rows: [UsageRow], at now: Date) -> (day: Spending, month: Spending) {
        let (day, month) = periods(at: now)
        var today = Spending(), thisMonth = Spending()
        for row in rows where month.contains(row.at) {
            thisMonth.add(row, prices: prices)
            if day.contains(row.at) { today.add(row, prices: prices) }
        }
        return (today, thisMonth)
    }

    func exceeded(_ limits: BudgetLimits, rows: [UsageRow], budget: String, at now: Date) -> [BudgetPause] {
        guard !limits.isEmpty else { return [] }
        let (day, month) = periods(at: now)
        let (today, thisMonth) = spending(rows, at: now)
        var found: [BudgetPause] = []
        if let limit = limits.dailyTokens, today.tokens.counted >= limit {
            found.append(BudgetPause(budget: budget, limit: "daily tokens (\(Self.count(today.tokens.counted)) of \(Self.count(limit)))", until: day.end))
        }
        if let limit = limits.monthlyTokens, thisMonth.tokens.counted >= limit {
            found.append(BudgetPause(budget: budget, limit: "monthly tokens (\(Self.count(thisMonth.tokens.counted)) of \(Self.count(limit)))", until: month.end))
        }
        if let limit = limits.dailyCost, today.cost >= limit {
            found.append(BudgetPause(budget: budget, limit: "daily cost (\(Self.dollars(today.cost)) of \(Self.dollars(limit)), estimated)", until: day.end))
        }
        if let limit = limits.monthlyCost, thisMonth.cost >= limit {
            found.append(BudgetPause(budget: budget, limit: "monthly cost (\(Self.dollars(thisMonth.cost)) of \(Self.dollars(limit)), estimated)", until: month.end))
        }
        return found
    }

    /// 1234567 → "1,234,567".
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    public static func dollars(_ value: Double) -> String {
        value < 0.01 && value > 0 ? String(format: "$%.4f", value) : String(format: "$%.2f", value)
    }
}

extension Ledger {
    /// The owner's override of the budget: nothing pauses until then.
    public func budgetResumedUntil() throws -> Date? {
        try database.read { db in
            try Double.fetchOne(db, sql: "SELECT until FROM budget_resumes WHERE scope = 'all'").map(Date.init(timeIntervalSince1970:))
        }
    }

    public func resumeBudget(until: Date) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO budget_resumes(scope, until) VALUES ('all', ?) ON CONFLICT(scope) DO UPDATE SET until = excluded.until",
                           arguments: [until.timeIntervalSince1970])
        }
    }
}
