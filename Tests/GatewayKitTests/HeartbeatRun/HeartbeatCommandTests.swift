import Foundation
import Testing
@testable import GatewayKit

@Suite(.serialized) struct HeartbeatCommandTests {
    @Test func nowWaitHistoryAndStatus() async throws {
        let rig = try await SimMayorTown(rules: BeatRunnerTests.findingRules, heartbeat: BeatRunnerTests.tasks)
        defer { rig.close() }
        let now = await gw(["heartbeat", "now", "--wait", "--timeout", "60s"], in: rig.town.root)
        #expect(now.code == 0, "\(now.stdout)\n\(now.stderr)")
        #expect(now.stdout.contains("每日资讯: done"))
        #expect(now.stdout.contains("Quiet check: done — HEARTBEAT_OK"))
        let history = await gw(["heartbeat", "history"], in: rig.town.root)
        #expect(history.stdout.contains("ran 每日资讯, Quiet check — 每日资讯: finding (urgent)"))
        let status = await gw(["heartbeat", "status", "--json"], in: rig.town.root)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["every"] as? String == "30m")
        #expect((object["lastBeat"] as? String)?.contains("ran") == true)
        #expect(object["daemonRunning"] as? Bool == false)
        let unknown = await gw(["heartbeat", "now", "--task", "nope"], in: rig.town.root)
        #expect(unknown.code == 2)
        #expect(unknown.stderr.contains("HEARTBEAT.md has no task named \"nope\""))
    }

    @Test func nowOnAnEmptyFileSaysWhyAndCallsNobody() async throws {
        let directory = TemporaryDirectory()
        let town = try await installTown(in: directory)
        let result = await gw(["heartbeat", "now"], in: town.root)
        #expect(result.code == 0)
        #expect(result.stdout.hasPrefix("No beat:"))
        #expect(result.stdout.contains("No agent call was made."))
    }
}
