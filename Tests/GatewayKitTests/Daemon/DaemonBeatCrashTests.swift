import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayMemory
@testable import GatewayHeartbeat
import GatewayTestSupport

/// The daemon killed with SIGKILL in the middle of a beat: after a restart the beat completes once.
@Suite(.serialized) struct DaemonBeatCrashTests {
    @Test func aBeatInterruptedByAKilledDaemonCompletesOnceAfterTheRestart() async throws {
        let rules = """
            [[rule]]
            match = "Beat task"
            reply = "## Beat task\\nThe nightly build broke twice."
            delay = "30s"
            """
        let town = try await TestTown(.sim(rules: rules), config: TestTown.quickDaemon,
                                      "[heartbeat]\nnotify = [\"log\"]", "[notify.targets.log]\nkind = \"console\"",
                                      heartbeat: "## Beat task\n- check the builds\n")
        defer { town.close() }
        let ledger = try town.ledger()

        let first = try town.spawnDaemon()
        _ = try await town.waitForMayor()
        let now = try await town.gw(["heartbeat", "now"])
        #expect(now.status == 0, "\(now.stderr)")
        // The daemon delivers the beat's turn; kill it while the Mayor is still working on it (pasted or
        // submitted: the reply takes 30 s, room for a test process slowed by a loaded machine). Stopped
        // first, so it cannot handle the beat between this look and the kill.
        let run = try await town.wait("the beat's turn delivered") { () async throws -> HeartbeatRun? in
            guard let run = try await ledger.unhandledHeartbeatRuns().first,
                  let state = try await ledger.turn(run.turnId)?.state, [.sent, .submitted].contains(state) else { return nil }
            return run
        }
        first.signal(SIGSTOP)
        try #require(try await ledger.heartbeatRun(beatId: run.beatId)?.state == "sent", "the daemon was stopped before it handled the beat")
        first.signal(SIGKILL)
        _ = try await first.wait()

        // The Mayor finishes the turn on its own; its Stop hook records the reply with no daemon.
        try await town.wait("the turn done") { try await ledger.turn(run.turnId)?.state == .done ? true : nil }
        #expect(try await ledger.heartbeatRun(beatId: run.beatId)?.state == "sent")

        let second = try town.spawnDaemon()
        try await town.wait("the beat handled") { try await ledger.heartbeatRun(beatId: run.beatId)?.state == "handled" ? true : nil }
        try await town.wait("the notification delivered") {
            try await ledger.outboxEntries(limit: 100_000).first?.state == .delivered ? true : nil
        }
        second.signal(SIGTERM)
        #expect(try await second.wait() == 0)

        #expect(try await ledger.heartbeatHistory(limit: 10).count == 1, "one beat, not repeated")
        #expect(try await ledger.recentTurns(agent: "mayor", limit: 10).count == 1, "the prompt was sent once")
        #expect(try await ledger.outboxEntries(limit: 100_000).count == 1, "one notification")
        let day = MemoryCalendar(config: try town.town.loadConfig()).day(of: Date())
        let log = try String(contentsOf: town.town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day)), encoding: .utf8)
        #expect(log.components(separatedBy: "The nightly build broke twice.").count == 2, "the finding is in the daily log once")
        #expect(try await ledger.convoy(run.convoyId)?.state == .closed)
    }
}
