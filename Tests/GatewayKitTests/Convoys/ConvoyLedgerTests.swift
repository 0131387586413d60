import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

@Suite struct ConvoyLedgerTests {
    let folder = TemporaryDirectory("gw-convoy")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func ledger() throws -> Ledger { try Ledger(file: folder.path("ledger.sqlite")) }
    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test func theMigrationIsApplied() async throws {
        let applied = try await ledger().appliedMigrations()
        #expect(applied.first == "v1-foundation")
        #expect(applied.contains("v2-convoys"))
    }

    @Test func aConvoyClosesOnlyWhenEveryItemHasEnded() async throws {
        let ledger = try ledger()
        let id = try await ledger.createConvoy(kind: "heartbeat", title: "Morning beat", items: [
            ConvoyItemPlan(title: "daily-news", agent: "mayor"), ConvoyItemPlan(title: "memory-organize"), ConvoyItemPlan(title: "inbox"),
        ], at: start)

        var convoy = try #require(try await ledger.convoy(id))
        #expect(convoy.state == .open)
        #expect(convoy.createdAt == start)
        #expect(convoy.items.map(\.index) == [1, 2, 3])
        #expect(convoy.items.map(\.state) == [.pending, .pending, .pending])
        #expect(convoy.items[0].agent == "mayor")

        #expect(try await ledger.markItem(convoy: id, item: 1, state: .running, at: at(10)) == false)
        #expect(try await ledger.markItem(convoy: id, item: 2, state: .running, at: at(20), agent: "polecat-rust") == false)
        #expect(try await ledger.markItem(convoy: id, item: 1, state: .done, at: at(60),
                                          result: ConvoyResult(branch: "hooks/mayor", commit: "abc1234"), summary: "3 stories recorded") == false)
        #expect(try await ledger.markItem(convoy: id, item: 2, state: .failed, at: at(70), error: "MEMORY.md is locked") == false)
        #expect(try await ledger.closeIfFinished(convoy: id, at: at(75)) == false)

        convoy = try #require(try await ledger.convoy(id))
        #expect(convoy.state == .open)
        #expect(convoy.counts.done == 1 && convoy.counts.failed == 1 && convoy.counts.pending == 1 && convoy.counts.total == 3)
        #expect(convoy.items[0] == ConvoyItem(index: 1, title: "daily-news", state: .done, agent: "mayor", startedAt: at(10), endedAt: at(60),
                                              result: ConvoyResult(branch: "hooks/mayor", commit: "abc1234"), summary: "3 stories recorded", error: nil))
        #expect(convoy.items[1].agent == "polecat-rust")
        #expect(convoy.items[1].error == "MEMORY.md is locked")
        #expect(convoy.items[1].result == nil)

        #expect(try await ledger.markItem(convoy: id, item: 3, state: .skipped, at: at(80), summary: "inbox empty") == true)
        convoy = try #require(try await ledger.convoy(id))
        #expect(convoy.state == .closed)
        #expect(convoy.closedAt == at(80))
        #expect(convoy.items[2].startedAt == nil)
        #expect(try await ledger.convoys().first?.counts == convoy.counts)
        #expect(convoy.items[2].endedAt == at(80))
        #expect(try await ledger.closeIfFinished(convoy: id, at: at(90)) == false)
        #expect(try await ledger.convoy(id)?.closedAt == at(80))
    }

    @Test func theOpenCountIncludesConvoysOlderThanAnyRecentList() async throws {
        let ledger = try ledger()
        let old = try await ledger.createConvoy(kind: "sling", title: "Long task", items: [ConvoyItemPlan(title: "a")], at: start)
        for index in 0..<30 {
            let id = try await ledger.createConvoy(kind: "heartbeat", title: "Beat \(index)", items: [ConvoyItemPlan(title: "t")], at: at(Double(index)))
            try await ledger.markItem(convoy: id, item: 1, state: .done, at: at(Double(index)))
        }
        #expect(try await ledger.openConvoyCount() == 1)
        try await ledger.markItem(convoy: old, item: 1, state: .done, at: at(100))
        #expect(try await ledger.openConvoyCount() == 0)
    }

    @Test func itemsOnlyMoveForward() async throws {
        let ledger = try ledger()
        let id = try await ledger.createConvoy(kind: "sling", title: "Fix bug", items: [ConvoyItemPlan(title: "a"), ConvoyItemPlan(title: "b")], at: start)
        try await ledger.markItem(convoy: id, item: 1, state: .running, at: at(1))
        let backwards = await failure { try await ledger.markItem(convoy: id, item: 1, state: .pending, at: at(2)) }
        #expect(backwards == "item 1 of convoy \(id) is running and cannot become pending: items only move forward (pending → running → done, failed or skipped)")
        try await ledger.markItem(convoy: id, item: 1, state: .done, at: at(3))
        let again = await failure { try await ledger.markItem(convoy: id, item: 1, state: .failed, at: at(4)) }
        #expect(again?.hasPrefix("item 1 of convoy \(id) is done and cannot become failed") == true)
        let restart = await failure { try await ledger.markItem(convoy: id, item: 1, state: .running, at: at(4)) }
        #expect(restart?.hasPrefix("item 1 of convoy \(id) is done and cannot become running") == true)
        #expect(try await ledger.convoy(id)?.items[0].endedAt == at(3))
    }

    @Test func unknownConvoysAndItemsAreClearErrors() async throws {
        let ledger = try ledger()
        let id = try await ledger.createConvoy(kind: "sling", title: "One", items: [ConvoyItemPlan(title: "a")], at: start)
        #expect(await failure { try await ledger.markItem(convoy: id, item: 2, state: .done, at: start) } == "convoy \(id) has no item 2: see `gw convoy show \(id)`")
        #expect(await failure { try await ledger.markItem(convoy: 99, item: 1, state: .done, at: start) } == "no convoy 99: see `gw convoy list`")
        #expect(await failure { _ = try await ledger.createConvoy(kind: "sling", title: "Empty", items: [], at: start) } == "a convoy needs at least one item (sling: Empty)")
        #expect(try await ledger.convoy(99) == nil)
    }

    @Test func listIsNewestFirstWithCounts() async throws {
        let ledger = try ledger()
        let first = try await ledger.createConvoy(kind: "heartbeat", title: "Beat", items: [ConvoyItemPlan(title: "a")], at: start)
        let second = try await ledger.createConvoy(kind: "sling", title: "Sling", items: [ConvoyItemPlan(title: "a"), ConvoyItemPlan(title: "b")], at: at(100))
        try await ledger.markItem(convoy: second, item: 2, state: .running, at: at(110))
        try await ledger.markItem(convoy: first, item: 1, state: .done, at: at(120))

        let list = try await ledger.convoys()
        #expect(list.map(\.id) == [second, first])
        #expect(list[0].counts.pending == 1 && list[0].counts.running == 1)
        #expect(list[0].state == .open)
        #expect(list[1].state == .closed && list[1].closedAt == at(120))
        #expect(try await ledger.convoys(limit: 1).map(\.id) == [second])
    }

    @Test func longSummariesAreCut() async throws {
        let ledger = try ledger()
        let id = try await ledger.createConvoy(kind: "sling", title: "One", items: [ConvoyItemPlan(title: "a")], at: start)
        try await ledger.markItem(convoy: id, item: 1, state: .done, at: at(1), summary: String(repeating: "x", count: 5000))
        let summary = try #require(try await ledger.convoy(id)?.items[0].summary)
        #expect(summary.count == 2000)
        #expect(summary.hasSuffix("…"))
    }

    /// The message of the GatewayError `body` throws, or nil (recorded) when it succeeds.
    func failure(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            Issue.record("expected an error")
            return nil
        } catch let error as GatewayError {
            return error.message
        } catch {
            Issue.record("expected a GatewayError, got \(error)")
            return nil
        }
    }
}
