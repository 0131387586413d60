import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// A beat whose turn failed owes its tasks to the next beat, whatever their schedules say; the beat
/// that carries them clears the debt.
@Suite struct FailedBeatOwedTests {
    static let file = try! HeartbeatDocument.parse("""
        ## Inbox
        - look

        ## 每日资讯
        > schedule: daily 09:00
        - 新闻

        ## Backup
        > schedule: every 2h
        - check it
        """)

    func beat(_ scheduler: HeartbeatScheduler, at time: String, ledger: Ledger) async throws -> (id: Int64, tasks: [String]) {
        guard case .beat(let decision) = scheduler.tick(now: instant(time), marks: try await ledger.loadHeartbeatMarks()) else {
            throw GatewayError("no beat at \(time)")
        }
        return (try await ledger.recordBeat(decision), decision.plan.dueTasks.map(\.task.name))
    }

    @Test func onlyTasksNoLaterBeatCarriedAreOwedAndOwingTwiceChangesNothing() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let scheduler = HeartbeatScheduler(settings: .test(), document: Self.file, startedAt: instant("2026-11-26T08:40:00Z"))
        let first = try await beat(scheduler, at: "2026-11-26T09:10:00Z", ledger: ledger)
        #expect(first.tasks == ["Inbox", "每日资讯", "Backup"])
        #expect(try await beat(scheduler, at: "2026-11-26T09:40:00Z", ledger: ledger).tasks == ["Inbox"])
        // The first beat's failure handled late: Inbox went out again since, the other two did not.
        try await ledger.oweTasks(ofBeat: first.id, names: first.tasks, at: instant("2026-11-26T09:41:00Z"))
        try await ledger.oweTasks(ofBeat: first.id, names: first.tasks, at: instant("2026-11-26T09:42:00Z"))
        let marks = try await ledger.loadHeartbeatMarks()
        #expect(marks.tasks["inbox"]?.owedSince == nil)
        #expect(marks.tasks["backup"]?.owedSince == instant("2026-11-26T09:41:00Z"))
        #expect(marks.tasks["每日资讯"]?.owedSince == instant("2026-11-26T09:41:00Z"))
        #expect(try await beat(scheduler, at: "2026-11-26T10:10:00Z", ledger: ledger).tasks == ["Inbox", "每日资讯", "Backup"])
        #expect(try await ledger.loadHeartbeatMarks().tasks.values.allSatisfy { $0.owedSince == nil }, "carrying the tasks cleared the debt")
        #expect(try await beat(scheduler, at: "2026-11-26T10:40:00Z", ledger: ledger).tasks == ["Inbox"])
    }

    @Test func scheduledTasksOfAFailedBeatAreDueAtTheNextBeatNotAtTheirNextSlot() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let scheduler = HeartbeatScheduler(settings: .test(), document: Self.file, startedAt: instant("2026-11-26T08:40:00Z"))
        let first = try await beat(scheduler, at: "2026-11-26T09:10:00Z", ledger: ledger)
        try await ledger.oweTasks(ofBeat: first.id, names: first.tasks, at: instant("2026-11-26T09:12:00Z"))
        let plan = scheduler.plan(at: instant("2026-11-26T09:40:00Z"), marks: try await ledger.loadHeartbeatMarks())
        #expect(plan.dueTasks.map(\.task.name) == ["Inbox", "每日资讯", "Backup"])
        #expect(plan.checks.first { $0.task.name == "Backup" }?.reason == "due: the beat that carried it at 2026-11-26 09:12 failed")
        _ = try await beat(scheduler, at: "2026-11-26T09:40:00Z", ledger: ledger)
        // Carried once: the next beat is back to the schedules, and the daily slot is not served twice.
        let marks = try await ledger.loadHeartbeatMarks()
        #expect(marks.tasks.values.allSatisfy { $0.owedSince == nil })
        #expect(marks.tasks["每日资讯"]?.lastSlotDay == LocalDay(parsing: "2026-11-26"))
        #expect(scheduler.plan(at: instant("2026-11-26T10:10:00Z"), marks: marks).dueTasks.map(\.task.name) == ["Inbox"])
    }

    /// End to end with the terminal double: the beat's turn fails (a 500 from the model), the failure
    /// is reported once, and the scheduled task it carried is owed to the next beat.
    @Test func aFailedTurnOwesItsTasksAndReportsOnce() async throws {
        let rules = """
            [[rule]]
            match = "Backup"
            once = true
            status = 500
            error_message = "scripted outage"
            """
        let rig = try await TestTown.beating(rules: rules, heartbeat: "## Backup\n> schedule: every 2h\n- check it\n")
        defer { rig.close() }
        let runner = rig.runner()
        let beatId = try #require(try await runner.runNow(tasks: []).beatId)
        let waiter = HeartbeatWaiter(environment: rig.environment, town: rig.town, runner: runner)
        let report = try await waiter.waitForBeat(beatId, timeout: 60)
        #expect(report.failed)
        #expect(try await rig.ledger().heartbeatRun(beatId: beatId)?.summary?.hasPrefix("failed: ") == true)
        #expect(try await rig.ledger().loadHeartbeatMarks().tasks["backup"]?.owedSince != nil)
        // Handling the beat again (after a crash) neither alerts again nor moves the debt.
        let owed = try await rig.ledger().loadHeartbeatMarks()
        try await BeatReplyHandler(environment: rig.environment, town: rig.town, context: try runner.load())
            .handle(try #require(try await rig.ledger().heartbeatRun(beatId: beatId)), turn: try #require(report.turn))
        #expect(try await rig.ledger().loadHeartbeatMarks() == owed)
        let alerts = try await rig.ledger().outboxEntries(limit: 10).filter { $0.source == "heartbeat:\(beatId):failed" }
        #expect(alerts.count == 1)
        let scheduler = HeartbeatScheduler(settings: try rig.config.heartbeat, document: try HeartbeatDocument.load(from: rig.town.heartbeatFile),
                                           startedAt: Date())
        #expect(scheduler.plan(at: Date().addingTimeInterval(1800), marks: owed).dueTasks.map(\.task.name) == ["Backup"])
    }
}
