import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayUsage

/// The budget's arithmetic and its settings: periods in the heartbeat's zone, what counts, what pauses
/// what, and config mistakes named by file, line and key.
struct BudgetGateTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    func row(_ source: String?, at: Date, input: Int = 0, cacheRead: Int = 0, output: Int = 0, model: String = "claude-sonnet-4-5") -> UsageRow {
        UsageRow(agent: "mayor", model: model, tokens: TokenCounts(input: input, cacheRead: cacheRead, output: output), at: at, turnId: 1, turnSource: source)
    }

    /// 2026-12-05 10:00 in Shanghai.
    var now: Date { Date(timeIntervalSince1970: 1_796_450_400) }

    @Test func aDayStartsAtMidnightInTheHeartbeatsZone() throws {
        let gate = BudgetGate(settings: .init(), prices: .init(), zone: zone)
        let (day, month) = gate.periods(at: now)
        #expect(day.start == Date(timeIntervalSince1970: 1_796_400_000), "2026-12-05 00:00 +08:00")
        #expect(day.end == Date(timeIntervalSince1970: 1_796_486_400))
        #expect(month.start == Date(timeIntervalSince1970: 1_796_054_400), "2026-12-01 00:00 +08:00")
    }

    @Test func cacheReadsAreShownButNotCounted() {
        let gate = BudgetGate(settings: BudgetSettings(scopes: [.heartbeat: BudgetLimits(dailyTokens: 1000)]), prices: .init(), zone: zone)
        let rows = [row("heartbeat:1", at: now, input: 400, cacheRead: 50_000, output: 500)]
        #expect(gate.pauses(for: .heartbeat, rows: rows, at: now, resumedUntil: nil).isEmpty, "900 counted of 1000")
        let more = rows + [row("heartbeat:2", at: now, input: 50, output: 50)]
        let pause = try? #require(gate.pauses(for: .heartbeat, rows: more, at: now, resumedUntil: nil).first)
        #expect(pause?.until == gate.periods(at: now).day.end)
        #expect(pause?.description == "the heartbeat budget's daily tokens (1,000 of 1,000)")
    }

    @Test func yesterdaysSpendingDoesNotPauseToday() {
        let gate = BudgetGate(settings: BudgetSettings(scopes: [.heartbeat: BudgetLimits(dailyTokens: 100)]), prices: .init(), zone: zone)
        let yesterday = gate.periods(at: now).day.start.addingTimeInterval(-1)
        #expect(gate.pauses(for: .heartbeat, rows: [row("heartbeat:1", at: yesterday, input: 5000)], at: now, resumedUntil: nil).isEmpty)
    }

    @Test func eachScopeCountsItsOwnSourcesAndTheOverallLimitCountsAll() {
        let settings = BudgetSettings(overall: BudgetLimits(dailyTokens: 1000), scopes: [.sling: BudgetLimits(dailyTokens: 300)])
        let gate = BudgetGate(settings: settings, prices: .init(), zone: zone)
        let rows = [row("chat", at: now, input: 400), row("sling:4", at: now, input: 200), row(nil, at: now, input: 100)]
        #expect(gate.pauses(for: .sling, rows: rows, at: now, resumedUntil: nil).isEmpty, "sling 200 of 300; all 700 of 1000")
        let spent = rows + [row("manual", at: now, input: 300)]
        #expect(gate.pauses(for: .heartbeat, rows: spent, at: now, resumedUntil: nil).map(\.budget) == ["all"])
        #expect(gate.pauses(for: .sling, rows: spent, at: now, resumedUntil: nil).map(\.budget) == ["all"])
        #expect(gate.pauses(for: .chat, rows: spent, at: now, resumedUntil: nil).isEmpty, "the overall limit leaves chat alone unless hard")
        var hard = settings
        hard.hard = true
        #expect(BudgetGate(settings: hard, prices: .init(), zone: zone).pauses(for: .chat, rows: spent, at: now, resumedUntil: nil).map(\.budget) == ["all"])
        #expect(gate.pauses(for: .heartbeat, rows: spent, at: now, resumedUntil: now.addingTimeInterval(60)).isEmpty, "resumed by hand")
    }

    @Test func aCostLimitCountsEverythingAtThePriceTable() throws {
        let prices = UsagePrices(configured: ["claude-test": ModelPrice(input: 10, output: 20, cacheWrite: 12.5, cacheRead: 1)])
        let gate = BudgetGate(settings: BudgetSettings(overall: BudgetLimits(monthlyCost: 1.0)), prices: prices, zone: zone)
        // 1M cache reads at $1: the cache counts for cost.
        let rows = [row("heartbeat:1", at: now, cacheRead: 1_000_000, model: "claude-test-2026")]
        let pause = try #require(gate.pauses(for: .heartbeat, rows: rows, at: now, resumedUntil: nil).first)
        #expect(pause.until == gate.periods(at: now).month.end)
        #expect(pause.limit.contains("monthly cost ($1.00 of $1.00, estimated)"))
        #expect(gate.spending(rows, at: now).month.unpriced.isEmpty)
        let unknown = gate.spending([row("chat", at: now, input: 10, model: "mystery")], at: now).month
        #expect(unknown.unpriced == ["mystery"] && unknown.cost == 0)
    }

    @Test func builtInPricesFollowTheModelFamily() throws {
        let prices = UsagePrices()
        #expect(prices.price(of: "claude-opus-4-1-20250805")?.input == 15)
        #expect(prices.price(of: "claude-opus-4-5-20251101")?.input == 5)
        #expect(prices.price(of: "claude-sonnet-4-5")?.output == 15)
        #expect(prices.price(of: "claude-haiku-4-5")?.cacheRead == 0.1)
        #expect(prices.price(of: "gpt-5") == nil)
    }

    @Test func settingsAreReadAndMistakesNamed() throws {
        let config = try GatewayConfig.parse("""
            [usage.prices]
            "claude-house" = { input = 2, output = 8 }

            [budget]
            daily_tokens = 2000000
            monthly_cost = 50.0
            [budget.heartbeat]
            daily_tokens = 400000
            """)
        #expect(config.budget.overall == BudgetLimits(dailyTokens: 2_000_000, monthlyCost: 50))
        #expect(config.budget.scopes[.heartbeat] == BudgetLimits(dailyTokens: 400_000))
        #expect(config.usage.prices.price(of: "claude-house-1")?.cacheWrite == 2.5)
        for (text, expected) in [
            ("[budget]\ndaily_tokens = -5", "budget.daily_tokens"),
            ("[budget]\ndaily_tokens = \"lots\"", "budget.daily_tokens"),
            ("[budget]\nmonthly_cost = nan", "budget.monthly_cost"),
            ("[budget]\ndayly_tokens = 5", "dayly_tokens"),
            ("[budget.polecat]\ndaily_tokens = 5", "polecat"),
            ("[usage.prices]\n\"m\" = 5", "usage.prices.m"),
            ("[usage.prices]\n\"m\" = { output = 5 }", "usage.prices.m.input"),
        ] {
            do {
                _ = try GatewayConfig.parse(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.problems.contains { $0.description.contains(expected) && $0.line != nil }, "\(text) → \(error.problems)")
            }
        }
    }

    @Test func datesOnTheCommandLine() throws {
        #expect(try UsageDate.parse("2026-12-01", zone: zone, now: now, direction: .past, option: "--since") == Date(timeIntervalSince1970: 1_796_054_400))
        #expect(try UsageDate.parse("2026-12-01 18:30", zone: zone, now: now, direction: .past, option: "--since") == Date(timeIntervalSince1970: 1_796_121_000))
        #expect(try UsageDate.parse("7d", zone: zone, now: now, direction: .past, option: "--since") == now.addingTimeInterval(-7 * 86_400))
        #expect(try UsageDate.parse("2h", zone: zone, now: now, direction: .future, option: "--until") == now.addingTimeInterval(7_200))
        for bad in ["", "yesterday", "2026-02-30", "2026-13-01", "7x", "-3d", "2026-12-01 25:00", "1e9d", "#{pane}", "2026-12-01;rm"] {
            #expect(throws: GatewayError.self, "\(bad)") { try UsageDate.parse(bad, zone: zone, now: now, direction: .past, option: "--since") }
        }
    }
}
