import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// A usage or rate limit on the terminal double, through the daemon: deliveries to the Mayor pause
/// until the reset (or the backoff), the owner is told once, no crash or restart is counted, and the
/// queued turn goes by itself when the pause ends.
@Suite(.serialized) struct LimitPauseSimTests {
    static let rules = """
        [[rule]]
        match = "hit the limit"
        stop_failure = "rate_limit"

        [[rule]]
        match = "hit the usage limit"
        usage_limit = "3pm"
        """

    static let alerts = "[heartbeat]\nurgent = [\"log\"]\n\n[notify.targets.log]\nkind = \"console\""

    func start(backoff: String) async throws -> (TestTown, ChildProcess) {
        let town = try await TestTown(.sim(rules: Self.rules), config: TestTown.quickMayor, "[mayor]\nlimit_backoff = \"\(backoff)\"",
                                      TestTown.quickDaemon, Self.alerts)
        let daemon = try town.spawnDaemon(["--verbose"])
        try await town.wait("the daemon's pid file") { DaemonPidFile.runningPid(town.town) }
        return (town, daemon)
    }

    @Test func aRateLimitPausesTheQueueWhichResumesByItself() async throws {
        // Long enough for the checks below on a loaded machine, short enough to wait out.
        let (town, daemon) = try await start(backoff: "15s")
        defer { daemon.signal(SIGTERM); town.close() }
        _ = try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", "please hit the limit"])
        let failed = try #require(try await town.turns().first)
        #expect(failed.state == .failed && failed.error?.contains("rate_limit") == true, "\(failed)")
        let record = try #require(try await town.agent())
        #expect(record.pauseReason?.contains("Request rejected (429)") == true, "\(record.pauseReason ?? "")")
        #expect(try #require(record.pausedUntil) > failed.endedAt ?? .distantFuture, "paused past the failure")

        let sent = Date()
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "after the limit"])
        #expect(reply == "ECHO: after the limit\n")
        let pausedUntil = try #require(try await town.ledger().agent("mayor")?.pausedUntil)
        let submitted = try #require(try await town.turns().last?.submittedAt)
        #expect(submitted >= pausedUntil, "nothing was typed before the pause ended")
        #expect(submitted.timeIntervalSince(sent) < 60, "it went by itself, at the end of the pause")
        #expect(try await town.agent()?.restarts == 0, "a limit is no crash")
        let notices = try await town.ledger().outboxEntries(limit: 50).filter { $0.source.hasPrefix("limit:mayor:") }
        #expect(notices.count == 1 && notices.first?.title == "The Mayor hit a usage limit", "\(notices.map(\.source))")
        // A turn that ended well: the next limit starts the backoff from the beginning again.
        #expect(try await town.ledger().limitStrikes("mayor") == 0)
    }

    @Test func aUsageLimitPausesUntilTheResetItNames() async throws {
        let (town, daemon) = try await start(backoff: "5m")
        defer { daemon.signal(SIGTERM); town.close() }
        _ = try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", "please hit the usage limit"])
        let record = try #require(try await town.ledger().agent("mayor"))
        let expected = UsageLimit.resetTime(in: "resets 3pm", now: Date(), zone: .current)
        #expect(record.pausedUntil == expected, "until the next 3pm, not the backoff")
        #expect(record.pauseReason == "a usage limit: You've hit your limit · resets 3pm")
        try await town.gwOK(["mayor", "send", "--timeout", "2s", "while paused"])
        let status = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["mayor", "status", "--json"]).utf8)) as? [String: Any]
        #expect(status?["state"] as? String == "paused", "\(String(describing: status))")
        #expect(status?["pausedBecause"] as? String == "a usage limit: You've hit your limit · resets 3pm")
        let text = try await town.gwOK(["mayor", "status"])
        #expect(text.contains("paused    until") && text.contains("resume by themselves"), "\(text)")
        #expect(try await town.turns().last?.state == .queued, "the queued turn waits for the reset")
        #expect(try await town.agent()?.restarts == 0)
    }
}
