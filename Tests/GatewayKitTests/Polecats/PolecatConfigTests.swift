import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

@Suite struct PolecatConfigTests {
    @Test func theTemplateHoldsThePolecatDefaultsCommented() throws {
        let template = TownTemplates.gatewayToml(name: "t")
        #expect(try GatewayConfig.parse(template).polecats == PolecatSettings())
        let uncommented = template.split(separator: "\n").map { line in
            ["# max", "# agent"].contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
                ? String(line.trimmingCharacters(in: .whitespaces).dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        let parsed = try GatewayConfig.parse(uncommented)
        #expect(parsed.polecats.max == 4)
        #expect(parsed.polecats.agent == "")
    }

    @Test func aBadCapNamesItsLineAndKey() {
        do {
            _ = try GatewayConfig.parse("[polecats]\nmax = 0\nspeed = 3\n")
            Issue.record("expected problems")
        } catch {
            #expect(error.description.contains("gateway.toml:2"))
            #expect(error.description.contains("max"))
            #expect(error.description.contains("speed"))
        }
    }

    @Test func namesComeFromThePoolThenNumbered() {
        #expect(PolecatNames.allocate(taken: []) == "furiosa")
        #expect(PolecatNames.allocate(taken: ["furiosa", "nux"]) == "slit")
        #expect(PolecatNames.allocate(taken: Set(PolecatNames.pool)) == "furiosa-2")
        #expect(PolecatNames.allocate(taken: Set(PolecatNames.pool + ["furiosa-2"])) == "nux-2")
    }

    @Test func theMigrationAddsThePolecatTable() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        #expect(try await ledger.appliedMigrations().contains("v4-polecats"))
        let convoy = try await ledger.createConvoy(kind: "sling", title: "t", items: [ConvoyItemPlan(title: "t")], at: Date(timeIntervalSince1970: 1))
        let id = try await ledger.queueSling(rig: "app", title: "t", task: "do it", profile: "sim", convoy: convoy, at: Date(timeIntervalSince1970: 2))
        #expect(try await ledger.polecat(id: id)?.state == .queued)
        #expect(try await ledger.endPolecat(id, state: .failed, error: "x", resultCommit: nil, commits: nil, at: Date(timeIntervalSince1970: 3)))
        #expect(!(try await ledger.endPolecat(id, state: .done, error: nil, resultCommit: nil, commits: nil, at: Date(timeIntervalSince1970: 4))),
                "an ended polecat never changes again")
        #expect(try await ledger.polecat(named: "#\(id)")?.error == "x")
    }
}
