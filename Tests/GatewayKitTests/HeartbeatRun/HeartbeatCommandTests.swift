import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

@Suite(.serialized) struct HeartbeatCommandTests {
    @Test func nowWaitHistoryAndStatus() async throws {
        let rig = try await TestTown.beating(rules: BeatRunnerTests.findingRules, heartbeat: BeatRunnerTests.tasks)
        defer { rig.close() }
        let now = try await rig.gw(["heartbeat", "now", "--wait", "--timeout", "60s"])
        #expect(now.status == 0, "\(now.stdout)\n\(now.stderr)")
        #expect(now.stdout.contains("每日资讯: done"))
        #expect(now.stdout.contains("Quiet check: done — HEARTBEAT_OK"))
        let history = try await rig.gw(["heartbeat", "history"])
        #expect(history.stdout.contains("ran 每日资讯, Quiet check — 每日资讯: finding (urgent)"))
        let status = try await rig.gw(["heartbeat", "status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["every"] as? String == "30m")
        #expect((object["lastBeat"] as? String)?.contains("ran") == true)
        #expect(object["daemonRunning"] as? Bool == false)
        let unknown = try await rig.gw(["heartbeat", "now", "--task", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("HEARTBEAT.md has no task named \"nope\""))
    }

    @Test func nowOnAnEmptyFileSaysWhyAndCallsNobody() async throws {
        let town = try await TestTown()
        defer { town.close() }
        let result = try await town.gw(["heartbeat", "now"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("No beat:"))
        #expect(result.stdout.contains("No agent call was made."))
    }
}
