import Foundation
import GatewayCore
import GatewayUsage

/// The budgets as the config sets them, checked against the usage recorded: what is paused, until when.
public struct BudgetCheck: Sendable {
    let environment: GatewayEnvironment
    let config: GatewayConfig

    public init(environment: GatewayEnvironment, config: GatewayConfig) {
        self.environment = environment
        self.config = config
    }

    static func gate(_ config: GatewayConfig) -> BudgetGate { config.budgetGate }

    public struct Status: Sendable {
        public var pauses: [UsageReport.Pause]
        public var resumedUntil: Date?
    }

    /// The pause in force for `scope`, the one that lasts longest; nil when it may spend. Reads new
    /// usage first, so a beat right after a costly one sees it.
    public func pause(_ scope: BudgetScope, ledger: Ledger) async throws -> BudgetPause? {
        try await Self.gate(config).pause(scope, ledger: ledger, environment: environment)
    }

    /// Every source's pause, for `gw status` and `gw usage`.
    public func status(ledger: Ledger, collect: Bool = true) async throws -> Status {
        let resumed = try await ledger.budgetResumedUntil()
        let now = environment.clock.now()
        guard !config.budget.isEmpty else { return Status(pauses: [], resumedUntil: resumed.flatMap { $0 > now ? $0 : nil }) }
        if collect { try await UsageCollector(environment: environment).collect(ledger: ledger) }
        let gate = Self.gate(config)
        let rows = try await ledger.usageRows(since: gate.periods(at: now).month.start)
        let pauses = gate.pausedSources(rows: rows, at: now, resumedUntil: resumed).map {
            UsageReport.Pause(source: $0.scope.rawValue, because: $0.pause.description, until: $0.pause.until)
        }
        return Status(pauses: pauses, resumedUntil: resumed.flatMap { $0 > now ? $0 : nil })
    }

    /// `gw budget resume`: nothing pauses until `until`, or — when not given — until the latest of
    /// the pauses in force now would have lifted by itself.
    public func resume(ledger: Ledger, until: Date?) async throws -> Date {
        let now = environment.clock.now()
        var end = until
        if end == nil {
            try await UsageCollector(environment: environment).collect(ledger: ledger)
            let gate = Self.gate(config)
            let rows = try await ledger.usageRows(since: gate.periods(at: now).month.start)
            let lifts = gate.pausedSources(rows: rows, at: now, resumedUntil: nil).map(\.pause.until)
            end = lifts.max() ?? gate.periods(at: now).day.end
        }
        guard let end, end > now else { throw GatewayError.usage("--until must be in the future") }
        try await ledger.resumeBudget(until: end)
        return end
    }
}
