import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

@Suite struct StatusAndLocatorTests {
    @Test func statusJSONHasEverySection() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        #expect(await gw(["rig", "add", "app", project.path], in: town.root).code == 0)
        #expect(await gw(["crew", "add", "ann", "--rig", "app"], in: town.root).code == 0)
        let result = await gw(["status", "--json"], in: town.root)
        #expect(result.code == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["town", "rigs", "mayor", "daemon", "heartbeat", "convoys", "outbox", "ledger"])
        let status = try JSONDecoder().decode(TownStatus.self, from: Data(result.stdout.utf8))
        #expect(status.town.path == town.root.path)
        #expect(status.town.tmuxSocket == "gw-\(town.id)")
        #expect(status.rigs.map(\.name) == ["app"])
        #expect(status.rigs[0].crew.map(\.name) == ["ann"])
        #expect(status.mayor.state == "stopped")
        #expect(status.daemon.running == false)
        #expect(status.heartbeat.every == "30m")
        #expect(status.ledger.migrations.first == "v1-foundation")
        #expect(status.convoys.open == 0)
        #expect(status.outbox.counts.isEmpty)
    }

    /// `gw status` only reads: the ledger's bytes (and its WAL's) are the same after it, where a writable
    /// open would commit an empty change and fsync.
    @Test func statusLeavesTheLedgerUntouched() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        func bytes() -> [Data?] {
            ["", "-wal"].map { FileManager.default.contents(atPath: town.ledgerFile.path + $0).flatMap { $0.isEmpty ? nil : $0 } }
        }
        let before = bytes()
        let status = try await runProduct("gw", ["status", "--town", town.root.path], in: town.root)
        #expect(status.succeeded, "\(status.stderr)")
        #expect(status.stdout.contains("Mayor: stopped"))
        #expect(bytes() == before)
        // A ledger that needs its marker (or a migration) still gets the usual open, which restores it.
        try FileManager.default.removeItem(at: LedgerFiles(ledger: town.ledgerFile).marker)
        #expect(try await runProduct("gw", ["status", "--town", town.root.path], in: town.root).succeeded)
        #expect(FileSystem.exists(LedgerFiles(ledger: town.ledgerFile).marker))
    }

    @Test func outsideATownNamesInstall() async throws {
        let directory = TemporaryDirectory()
        let result = await gw(["status"], in: directory.url)
        #expect(result.code == 1)
        #expect(result.stderr.contains("not inside a Gateway town"))
        #expect(result.stderr.contains("gw install"))
        let named = await gw(["status", "--town", directory.url.path], in: directory.url)
        #expect(named.stderr.contains("is not a Gateway town: create one with `gw install"))
    }

    @Test func townComesFromFlagThenEnvironmentThenParents() async throws {
        let firstTown = try await TestTown(path: "first")
        let secondTown = try await TestTown(path: "second")
        defer { firstTown.close(); secondTown.close() }
        let (first, second) = (firstTown.town, secondTown.town)
        let nested = first.root.appendingPathComponent("formulas")
        let (environment, _) = GatewayEnvironment.test(workingDirectory: nested, variables: ["GW_TOWN": second.root.path])
        #expect(try TownLocator.locate(flag: first.root.path, environment: environment) == first)
        #expect(try TownLocator.locate(flag: nil, environment: environment) == second)
        let (walking, _) = GatewayEnvironment.test(workingDirectory: nested)
        #expect(try TownLocator.locate(flag: nil, environment: walking) == first)
    }

    @Test func theSocketNameIsStablePerPath() {
        let town = Town(root: URL(fileURLWithPath: "/home/me/gt"))
        #expect(town.tmuxSocket == Town(root: URL(fileURLWithPath: "/home/me/gt/")).tmuxSocket)
        #expect(town.tmuxSocket != Town(root: URL(fileURLWithPath: "/home/me/gt2")).tmuxSocket)
        #expect(town.tmuxSocket.count == "gw-".count + 8)
    }
}
