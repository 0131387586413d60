import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// `gw convoy …` run as the built binary against a real town ledger.
@Suite struct ConvoyCommandTests {
    @Test func showPrintsItemsAsJSON() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        let ledger = try Ledger(file: town.ledgerFile)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let id = try await ledger.createConvoy(kind: "sling", title: "Fix the parser", items: [
            ConvoyItemPlan(title: "fix", agent: "polecat-ash"), ConvoyItemPlan(title: "review"),
        ], at: start)
        try await ledger.markItem(convoy: id, item: 1, state: .running, at: start.addingTimeInterval(5))
        try await ledger.markItem(convoy: id, item: 1, state: .done, at: start.addingTimeInterval(65),
                                  result: ConvoyResult(branch: "polecat/ash-1", commit: "0123abc"), summary: "fixed")

        let show = try await runProduct("gw", ["convoy", "show", "\(id)", "--json", "--town", town.root.path])
        #expect(show.status == 0, "\(show.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["id", "kind", "title", "state", "createdAt", "counts", "items"])
        #expect(object["state"] as? String == "open")
        #expect(object["createdAt"] as? String == "2027-01-15T08:00:00Z")
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.count == 2)
        #expect(items[0]["state"] as? String == "done")
        #expect(items[0]["agent"] as? String == "polecat-ash")
        #expect(items[0]["startedAt"] as? String == "2027-01-15T08:00:05Z")
        #expect(items[0]["endedAt"] as? String == "2027-01-15T08:01:05Z")
        #expect(items[0]["result"] as? [String: String] == ["branch": "polecat/ash-1", "commit": "0123abc"])
        #expect(items[1]["state"] as? String == "pending")
        #expect(items[1]["result"] == nil)

        let list = try await runProduct("gw", ["convoy", "list", "--town", town.root.path])
        #expect(list.stdout == "\(id)\topen\t1/2 ended\t2027-01-15T08:00:00Z\tsling: Fix the parser\n")

        let text = try await runProduct("gw", ["convoy", "show", "\(id)", "--town", town.root.path])
        #expect(text.stdout.contains("  1. [done] fix\n     agent polecat-ash, started 2027-01-15T08:00:05Z, ended 2027-01-15T08:01:05Z\n     result polecat/ash-1 @ 0123abc\n     fixed\n"))

        let missing = try await runProduct("gw", ["convoy", "show", "99", "--town", town.root.path])
        #expect(missing.status == 1)
        #expect(missing.stderr == "gw: no convoy 99: see `gw convoy list`\n")
    }

    @Test func anEmptyLedgerSaysHowConvoysAppear() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        let list = try await runProduct("gw", ["convoy", "list", "--town", town.root.path])
        #expect(list.stdout == "No convoys yet: heartbeats and slings create them.\n")
        let json = try await runProduct("gw", ["convoy", "list", "--json", "--town", town.root.path])
        #expect(json.status == 0)
        #expect(try JSONDecoder().decode([ConvoySummary].self, from: Data(json.stdout.utf8)).isEmpty)
    }
}
