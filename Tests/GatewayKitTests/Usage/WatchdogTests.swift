import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayWork
import GatewayTestSupport

/// The watchdog's judgement on a sequence of looks, on a clock stepped by hand: what counts as life,
/// when the owner is told, when a turn is stuck.
struct AgentWatchTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    var settings: WatchdogSettings {
        var settings = WatchdogSettings()
        settings.escalateAfter = .seconds(300)
        settings.stuckAfter = .seconds(1200)
        return settings
    }

    func turn(_ id: Int64, _ state: Turn.State = .submitted) -> Turn {
        Turn(id: id, agent: "mayor", text: "t", state: state, source: "manual", createdAt: start, enterPresses: 1)
    }

    func look(screen: String = "same", event: Int64? = 1, bytes: Int? = 100, cpu: Double? = 1, turn: Turn?, dialog: AgentScreen.Dialog? = nil,
              permission: Bool = false) -> AgentWatch.Observation {
        .init(screen: screen, dialog: dialog, lastEventId: event, transcriptBytes: bytes, cpuSeconds: cpu, turn: turn, permissionPending: permission)
    }

    @Test func aFrozenTurnIsToldOnceThenFoundStuck() {
        var watch = AgentWatch(at: start)
        var findings: [AgentWatch.Finding] = []
        for minute in 0...21 {
            // A spinner's trickle of CPU: a hundredth of a second a minute.
            findings += watch.observe(look(cpu: 1 + Double(minute) * 0.01, turn: turn(7)), at: start.addingTimeInterval(Double(minute) * 60), settings: settings)
        }
        let escalations = findings.filter { if case .escalate = $0 { true } else { false } }
        #expect(Set(escalations.map { if case .escalate(let key, _) = $0 { key } else { "" } }) == ["silent:7"])
        #expect(findings.contains { if case .stuck(7, let why) = $0 { why.contains("no hook event, no transcript growth and no CPU time") } else { false } })
    }

    @Test func aMovingScreenIsNoLifeButCPUAndTheTranscriptAre() {
        var spinner = AgentWatch(at: start)
        var stuck = false
        for minute in 0...21 {
            let found = spinner.observe(look(screen: "⠋ \(minute)", turn: turn(1)), at: start.addingTimeInterval(Double(minute) * 60), settings: settings)
            #expect(!found.contains { if case .escalate = $0 { true } else { false } }, "the screen moves: not silent")
            stuck = stuck || found.contains { if case .stuck = $0 { true } else { false } }
        }
        #expect(stuck, "a spinner over a hung stream is stuck all the same")
        var working = AgentWatch(at: start)
        var writing = AgentWatch(at: start)
        for minute in 0...40 {
            let at = start.addingTimeInterval(Double(minute) * 60)
            #expect(working.observe(look(cpu: Double(minute) * 5, turn: turn(2)), at: at, settings: settings).allSatisfy { if case .stuck = $0 { false } else { true } })
            #expect(writing.observe(look(bytes: 100 + minute, cpu: 1, turn: turn(3)), at: at, settings: settings).allSatisfy { if case .stuck = $0 { false } else { true } })
        }
    }

    @Test func aNewTurnAQueuedTurnAPermissionAndADialogAreJudgedApart() {
        var watch = AgentWatch(at: start)
        _ = watch.observe(look(turn: turn(1)), at: start, settings: settings)
        // Turn 2 began just now: its clocks start again.
        #expect(watch.observe(look(turn: turn(2)), at: start.addingTimeInterval(1500), settings: settings).isEmpty)
        var queued = AgentWatch(at: start)
        #expect(queued.observe(look(turn: nil), at: start.addingTimeInterval(5000), settings: settings).isEmpty, "nothing in flight")
        var asking = AgentWatch(at: start)
        _ = asking.observe(look(turn: turn(4), permission: true), at: start, settings: settings)
        #expect(asking.observe(look(turn: turn(4), permission: true), at: start.addingTimeInterval(3000), settings: settings).isEmpty,
                "a permission request has its own timeout")
        var dialog = AgentWatch(at: start)
        _ = dialog.observe(look(turn: nil, dialog: .trustFolder), at: start, settings: settings)
        let found = dialog.observe(look(turn: nil, dialog: .trustFolder), at: start.addingTimeInterval(301), settings: settings)
        #expect(found == [.escalate(key: "dialog:\(Int64(start.timeIntervalSince1970))", what: "shows a folder trust and waits for an answer")])
    }

    @Test func settingsAreCheckedWhereTheyAreWritten() throws {
        let config = try GatewayConfig.parse("[watchdog]\nescalate_after = \"2m\"\npermission_timeout = \"90s\"\nstuck_after = \"1h\"")
        #expect(config.watchdog.escalateAfter == .minutes(2) && config.watchdog.stuckAfter == .hours(1))
        #expect(config.agentSettings.permissionHookWait == 90)
        for bad in ["stuck_after = \"0s\"", "escalate_after = \"8d\"", "permission_timeout = 5", "stuck = \"1h\""] {
            #expect(throws: ConfigFailure.self, "\(bad)") { try GatewayConfig.parse("[watchdog]\n\(bad)") }
        }
    }
}

/// A frozen gw-agent-sim (`hang = true`) under the daemon: its turn is failed once, saying why, and the
/// Mayor restarted once with its conversation; the next turn is answered.
@Suite(.serialized) struct WatchdogSimTests {
    @Test func aFrozenMayorIsRestartedOnceWithItsConversation() async throws {
        let town = try await TestTown(.sim(rules: "[[rule]]\nmatch = \"freeze\"\nhang = true\n"), config: TestTown.quickMayor, TestTown.quickDaemon,
                                      "[watchdog]\nescalate_after = \"2s\"\nstuck_after = \"8s\"",
                                      "[heartbeat]\nurgent = [\"log\"]\n\n[notify.targets.log]\nkind = \"console\"")
        let daemon = try town.spawnDaemon(["--verbose"])
        defer { daemon.signal(SIGTERM); town.close() }
        try await town.wait("the Mayor started") { try await town.agent()?.state == .running ? true : nil }
        let session = try #require(try await town.agent()?.sessionId)
        try await town.gwOK(["mayor", "send", "--timeout", "30s", "please freeze"])
        let failed = try await town.wait("the frozen turn failed", timeout: 120) { () async throws -> Turn? in
            try await town.turns().first { $0.state == .failed }
        }
        #expect(failed.error?.hasPrefix("stuck: no hook event, no transcript growth and no CPU time") == true, "\(failed.error ?? "")")
        try await town.wait("the Mayor back") { try await town.agent()?.state == .running ? true : nil }
        #expect(try await town.agent()?.sessionId == session, "resumed, not a new conversation")
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "are you back"])
        #expect(reply == "ECHO: are you back\n")
        let alerts = try await town.ledger().outboxEntries(limit: 50).filter { $0.source.hasPrefix("watchdog:mayor:stuck:") }
        #expect(alerts.count == 1)
        #expect(try await town.turns().filter { $0.state == .failed }.count == 1, "failed once")
    }

    @Test func aFrozenPolecatIsFailedOnceAndItsReportReachesTheMayor() async throws {
        let town = try await TestTown.withRig(rules: "[[rule]]\nmatch = \"freeze\"\nhang = true\n", polecats: """
            agent = "sim"

            [watchdog]
            escalate_after = "2s"
            stuck_after = "8s"

            [heartbeat]
            every = "off"
            urgent = ["log"]

            [notify.targets.log]
            kind = "console"

            [daemon]
            health_check = "1s"
            poll = "1h"
            """)
        let daemon = try town.spawnDaemon(["--verbose"])
        defer { daemon.signal(SIGTERM); town.close() }
        try await town.wait("the Mayor started") { try await town.agent()?.state == .running ? true : nil }
        try await town.gwOK(["sling", "--rig", "app", "please freeze"])
        let polecat = try await town.wait("the frozen polecat failed", timeout: 120) { () async throws -> Polecat? in
            try await town.supervisor.list().first { $0.state == .failed }
        }
        #expect(polecat.error?.contains("stuck: no hook event, no transcript growth and no CPU time") == true, "\(polecat.error ?? "")")
        let alerts = try await town.ledger().outboxEntries(limit: 50).filter { $0.source.hasPrefix("watchdog:polecat-") && $0.source.contains(":stuck:") }
        #expect(alerts.count == 1 && alerts.first?.title == "Polecat \(polecat.name ?? "") was stuck and stopped", "\(alerts.map(\.title))")
    }
}
