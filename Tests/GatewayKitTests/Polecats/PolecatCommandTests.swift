import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// `gw sling` and `gw polecat` as separate processes, the way a person (or the Mayor) runs them.
@Suite(.serialized) struct PolecatCommandTests {
    func run(_ town: TestTown, _ arguments: [String]) async throws -> ProcessResult {
        try await runProduct("gw", arguments + ["--town", town.town.root.path], in: town.town.root)
    }

    func state(_ town: TestTown, _ name: String) async throws -> [String: Any] {
        let shown = try await run(town, ["polecat", "show", name, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        return object?["polecat"] as? [String: Any] ?? [:]
    }

    /// `gw polecat show` finishes a polecat whose turn ended (no daemon runs); ask until it has.
    func waitUntilEnded(_ town: TestTown, _ name: String) async throws -> [String: Any] {
        try await pollUntil("polecat \(name) to end", timeout: 90) { () async throws -> [String: Any]? in
            let polecat = try await state(town, name)
            guard let state = polecat["state"] as? String, state == "done" || state == "failed" else { return nil }
            return polecat
        }
    }

    @Test func slingWithoutWaitIsFinishedByPolecatShow() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "count the files"
            reply = "There is one file."
            """)
        defer { town.close() }
        let slung = try await run(town, ["sling", "count the files", "--rig", "app", "--agent", "sim"])
        #expect(slung.status == 0, "\(slung.stderr)")
        #expect(slung.stdout.contains("Polecat furiosa started"))
        let polecat = try await waitUntilEnded(town, "furiosa")
        #expect(polecat["state"] as? String == "done")
        let list = try await run(town, ["polecat", "list"])
        #expect(list.stdout.contains("furiosa\tdone\tapp\tpolecat/furiosa-"))
        let shown = try await run(town, ["polecat", "show", "furiosa"])
        #expect(shown.stdout.contains("There is one file."))
        #expect(shown.stdout.contains("result hooks/polecat-furiosa @ "))
    }

    @Test func killStopsAPolecatAndKeepsItsWorktree() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "never finish"
            hang = true
            """)
        defer { town.close() }
        let slung = try await run(town, ["sling", "never finish", "--rig", "app", "--agent", "sim"])
        #expect(slung.status == 0, "\(slung.stderr)")
        #expect(try await town.sessionExists("polecat-furiosa"))
        let killed = try await run(town, ["polecat", "kill", "furiosa"])
        #expect(killed.status == 0, "\(killed.stderr)")
        let polecat = try await state(town, "furiosa")
        #expect(polecat["state"] as? String == "failed")
        #expect((polecat["error"] as? String)?.contains("gw polecat kill") == true)
        #expect(!(try await town.sessionExists("polecat-furiosa")))
        #expect(try await town.hookFile("polecat-furiosa", "work/last-screen.txt").contains("never finish"))
        #expect(FileSystem.exists(town.town.polecatDirectory("app", "furiosa")))
        let again = try await run(town, ["polecat", "kill", "furiosa"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already ended"))
    }

    @Test func aWaitedSlingPastItsTimeoutFails() async throws {
        let town = try await TestTown.withRig(rules: """
            [[rule]]
            match = "slowly"
            reply = "Too late."
            delay = "60s"
            """)
        defer { town.close() }
        let slung = try await run(town, ["sling", "work slowly", "--rig", "app", "--agent", "sim", "--wait", "--timeout", "3s"])
        #expect(slung.status != 0)
        #expect(slung.stderr.contains("polecat furiosa failed: no result within 3s"), "\(slung.stderr)")
        let convoy = try #require(try await town.ledger().convoys().first)
        #expect(convoy.counts.failed == 1)
    }

    @Test func badInputIsRefusedWithTheFix() async throws {
        let town = try await TestTown.withRig(rules: "")
        defer { town.close() }
        let noRig = try await run(town, ["sling", "x", "--rig", "nope"])
        #expect(noRig.status != 0)
        #expect(noRig.stderr.contains("no rig named nope"))
        let nothing = try await run(town, ["sling", "--rig", "app"])
        #expect(nothing.stderr.contains("nothing to sling"))
        let badAgent = try await run(town, ["sling", "x", "--rig", "app", "--agent", "nobody"])
        #expect(badAgent.stderr.contains("no agent profile named \"nobody\""))
        let unknown = try await run(town, ["polecat", "show", "ghost"])
        #expect(unknown.stderr.contains("no polecat named ghost"))
        #expect(try await town.ledger().polecats().isEmpty, "refused slings leave nothing behind")
    }
}
