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
