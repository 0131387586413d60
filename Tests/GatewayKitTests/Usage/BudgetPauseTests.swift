import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
@testable import GatewayUsage
import GatewayTestSupport

/// Budgets that pause slings, on the terminal double (which writes its usage into its transcript as
/// Claude Code does): a spent sling budget keeps the next sling queued, tells the owner once, and
/// `gw budget resume` lets it start.
@Suite(.serialized) struct BudgetPauseTests {
    @Test func aSpentSlingBudgetKeepsSlingsQueuedUntilResumed() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "job"
            reply = "Job done."
            """, polecats: """
            agent = "sim"

            [budget.sling]
            daily_tokens = 100

            [heartbeat]
            urgent = ["log"]

            [notify.targets.log]
            kind = "console"
            """)
        defer { town.close() }
        let supervisor = try town.supervisor
        let first = try await supervisor.wait(for: try await supervisor.sling(SlingRequest(rig: "app", text: "job one")).id, timeout: 120)
        #expect(first.state == .done, "\(first.error ?? "")")

        let second = try await supervisor.sling(SlingRequest(rig: "app", text: "job two"))
        #expect(second.state == .queued, "the first sling's tokens spent the budget")
        try await supervisor.reconcile()
        #expect(try await supervisor.list().first { $0.id == second.id }?.state == .queued)
        let ledger = try town.ledger()
        let notices = try await ledger.outboxEntries(limit: 50).filter { $0.source.hasPrefix("budget:sling:") }
        #expect(notices.count == 1, "told once: \(notices.map(\.source))")
        #expect(notices.first?.text.contains("the sling budget's daily tokens") == true)
        let queuedLine = try await town.gwOK(["sling", "--rig", "app", "job three"])
        #expect(queuedLine.contains("queued: the sling budget's daily tokens"), "\(queuedLine)")
        let status = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["status", "--json"]).utf8)) as? [String: Any]
        let paused = (status?["budget"] as? [String: Any])?["paused"] as? [[String: Any]]
        #expect(paused?.map { $0["source"] as? String } == ["sling"])
        let usage = try await town.gwOK(["usage", "--by", "source"])
        #expect(usage.contains("sling") && usage.contains("Paused: sling"), "\(usage)")

        try await town.gwOK(["budget", "resume"])
        try await supervisor.reconcile()
        let resumed = try await supervisor.wait(for: second.id, timeout: 120)
        #expect(resumed.state == .done, "\(resumed.error ?? "")")
    }
}
