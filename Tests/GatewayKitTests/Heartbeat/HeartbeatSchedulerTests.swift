import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct HeartbeatSchedulerTests {
    private func document(_ text: String) -> HeartbeatDocument {
        do { return try HeartbeatDocument.parse(text) } catch { fatalError("\(error)") }
    }

    private let inbox = "## Inbox\n- Check the inbox\n"

    @Test func firstBeatComesOneIntervalAfterTheStart() {
        let start = instant("2026-11-26T00:00:00Z")
        let scheduler = HeartbeatScheduler(settings: .test(), document: document(inbox), startedAt: start)
        #expect(scheduler.tick(now: start.addingTimeInterval(600), marks: .none) == .wait(until: instant("2026-11-26T00:30:00Z")))
        guard case .beat(let decision) = scheduler.tick(now: instant("2026-11-26T00:30:00Z"), marks: .none) else {
            Issue.record("expected a beat")
            return
        }
        #expect(decision.taskNames == ["Inbox"])
        #expect(!decision.isCatchUp)
        let marks = HeartbeatMarks.none.recording(decision)
        #expect(scheduler.tick(now: instant("2026-11-26T00:30:05Z"), marks: marks) == .wait(until: instant("2026-11-26T01:00:00Z")))
    }

    @Test func aRestartWithPersistedMarksNeverDoublesABeat() {
        var marks = HeartbeatMarks.none
        let first = HeartbeatScheduler(settings: .test(), document: document(inbox), startedAt: instant("2026-11-26T00:00:00Z"))
        let beats = simulate(first, from: instant("2026-11-26T00:00:00Z"), to: instant("2026-11-26T01:10:00Z"), marks: &marks)
        #expect(beats.map(\.time) == [instant("2026-11-26T00:30:00Z"), instant("2026-11-26T01:00:00Z")])
        // The daemon restarts at 01:10: the next beat is still 01:30, not 01:40 and not now.
        let restarted = HeartbeatScheduler(settings: .test(), document: document(inbox), startedAt: instant("2026-11-26T01:10:00Z"))
        #expect(restarted.tick(now: instant("2026-11-26T01:10:00Z"), marks: marks) == .wait(until: instant("2026-11-26T01:30:00Z")))
        let after = simulate(restarted, from: instant("2026-11-26T01:10:00Z"), to: instant("2026-11-26T02:00:00Z"), marks: &marks)
        #expect(after.map(\.time) == [instant("2026-11-26T01:30:00Z"), instant("2026-11-26T02:00:00Z")])
    }

    @Test func tenHoursAsleepGiveOneCatchUpBeat() {
        var marks = HeartbeatMarks(lastBeat: instant("2026-11-26T00:30:00Z"))
        let scheduler = HeartbeatScheduler(settings: .test(), document: document(inbox), startedAt: instant("2026-11-25T00:00:00Z"))
        let beats = simulate(scheduler, from: instant("2026-11-26T00:31:00Z"), to: instant("2026-11-26T11:15:00Z"), marks: &marks,
                             asleep: instant("2026-11-26T00:31:00Z")...instant("2026-11-26T10:31:00Z"))
        #expect(beats.map(\.time) == [instant("2026-11-26T10:31:01Z"), instant("2026-11-26T11:01:01Z")])
        #expect(beats[0].missedBeats == 19)
        #expect(beats[0].isCatchUp && beats[0].callsAgent)
        #expect(!beats[1].isCatchUp)
    }

    @Test func aClockSetBackDoesNotStallTheHeartbeat() {
        var marks = HeartbeatMarks(lastBeat: instant("2026-11-27T12:00:00Z"))
        let scheduler = HeartbeatScheduler(settings: .test(), document: document(inbox), startedAt: instant("2026-11-26T10:00:00Z"))
        // One beat at once re-anchors the schedule; then the usual interval.
        let beats = simulate(scheduler, from: instant("2026-11-26T10:00:00Z"), to: instant("2026-11-26T11:00:00Z"), marks: &marks)
        #expect(beats.map(\.time) == ["2026-11-26T10:00:00Z", "2026-11-26T10:30:00Z", "2026-11-26T11:00:00Z"].map(instant))
    }

    @Test func catchUpNoneDropsTheMissedBeats() {
        var settings = HeartbeatSettings.test(catchUp: .none)
        settings.every = .hours(1)
        let marks = HeartbeatMarks(lastBeat: instant("2026-11-26T00:00:00Z"))
        let scheduler = HeartbeatScheduler(settings: settings, document: document(inbox), startedAt: instant("2026-11-25T00:00:00Z"))
        guard case .skip(let decision) = scheduler.tick(now: instant("2026-11-26T10:00:00Z"), marks: marks) else {
            Issue.record("expected a skip")
            return
        }
        #expect(decision.plan.skipReason == .missedBeats(9))
        #expect(decision.plan.dueTasks.isEmpty)
        let next = marks.recording(decision)
        #expect(scheduler.tick(now: instant("2026-11-26T10:00:01Z"), marks: next) == .wait(until: instant("2026-11-26T11:00:00Z")))
        // A late tick within one interval is an ordinary beat, not a missed one.
        if case .beat(let late) = scheduler.tick(now: instant("2026-11-26T01:20:00Z"), marks: marks) {
            #expect(late.missedBeats == 0)
        } else {
            Issue.record("a beat 20 minutes late should still run")
        }
    }

    @Test func beatsStayInsideTheWindowAndResumeWhenItOpens() {
        let settings = HeartbeatSettings.test(window: ("08:00", "23:00"), zone: "Asia/Shanghai")
        var marks = HeartbeatMarks(lastBeat: instant("2026-11-26T22:50:00+08:00"))
        let scheduler = HeartbeatScheduler(settings: settings, document: document(inbox), startedAt: instant("2026-11-26T08:00:00+08:00"))
        #expect(scheduler.tick(now: instant("2026-11-26T23:20:00+08:00"), marks: marks) == .wait(until: instant("2026-11-27T08:00:00+08:00")))
        let beats = simulate(scheduler, from: instant("2026-11-26T23:00:00+08:00"), to: instant("2026-11-27T09:00:00+08:00"), marks: &marks)
        #expect(beats.map(\.time) == [instant("2026-11-27T08:00:00+08:00"), instant("2026-11-27T08:30:00+08:00"), instant("2026-11-27T09:00:00+08:00")])
        #expect(beats.allSatisfy { !$0.isCatchUp })
        // Seen from inside the night, the next beat is the morning's opening; overdue in the window, now.
        let night = HeartbeatMarks(lastBeat: instant("2026-11-26T22:50:00+08:00"))
        #expect(scheduler.nextBeat(after: instant("2026-11-27T03:00:00+08:00"), marks: night) == instant("2026-11-27T08:00:00+08:00"))
        #expect(scheduler.nextBeat(after: instant("2026-11-27T10:00:00+08:00"), marks: night) == instant("2026-11-27T10:00:00+08:00"))
    }

    @Test func aWindowEndingAt2400StopsAtMidnight() {
        let settings = HeartbeatSettings.test(every: .hours(2), window: ("18:00", "24:00"), zone: "Asia/Shanghai")
        var marks = HeartbeatMarks.none
        let scheduler = HeartbeatScheduler(settings: settings, document: document(inbox), startedAt: instant("2026-11-26T12:00:00+08:00"))
        let beats = simulate(scheduler, from: instant("2026-11-26T12:00:00+08:00"), to: instant("2026-11-27T19:00:00+08:00"), marks: &marks)
        #expect(beats.map(\.time) == ["2026-11-26T18:00:00+08:00", "2026-11-26T20:00:00+08:00", "2026-11-26T22:00:00+08:00",
                                       "2026-11-27T18:00:00+08:00"].map(instant))
    }

    @Test func overnightWindowRunsAcrossMidnight() {
        let settings = HeartbeatSettings.test(every: .hours(1), window: ("22:00", "02:00"), zone: "Europe/Berlin")
        var marks = HeartbeatMarks.none
        let scheduler = HeartbeatScheduler(settings: settings, document: document(inbox), startedAt: instant("2026-11-26T12:00:00+01:00"))
        let beats = simulate(scheduler, from: instant("2026-11-26T12:00:00+01:00"), to: instant("2026-11-27T12:00:00+01:00"), marks: &marks)
        #expect(beats.map(\.time) == ["2026-11-26T22:00:00+01:00", "2026-11-26T23:00:00+01:00", "2026-11-27T00:00:00+01:00", "2026-11-27T01:00:00+01:00"].map(instant))
    }

    @Test func everyTwoHoursTaskRunsAtEveryFourthHalfHourBeat() {
        let file = document("## Inbox\n- look\n\n## Backup\n> schedule: every 2h\n- check the backup\n")
        var marks = HeartbeatMarks.none
        let scheduler = HeartbeatScheduler(settings: .test(), document: file, startedAt: instant("2026-11-26T00:00:00Z"))
        let beats = simulate(scheduler, from: instant("2026-11-26T00:00:00Z"), to: instant("2026-11-26T05:00:00Z"), marks: &marks)
        #expect(beats.count == 10)
        let backups = beats.filter { $0.taskNames.contains("Backup") }.map(\.time)
        #expect(backups == ["2026-11-26T00:30:00Z", "2026-11-26T02:30:00Z", "2026-11-26T04:30:00Z"].map(instant))
    }

    @Test func aDailyTaskMissedAtNineRunsOnceWhenTheWindowAllows() {
        let settings = HeartbeatSettings.test(window: ("08:00", "23:00"), zone: "Asia/Shanghai")
        let file = document("## 每日资讯\n> schedule: daily 09:00\n- 搜索今天科技新闻\n")
        var marks = HeartbeatMarks(lastBeat: instant("2026-11-26T08:00:00+08:00"),
                                   tasks: ["每日资讯": .init(lastRun: instant("2026-11-25T09:00:00+08:00"), lastSlotDay: LocalDay(parsing: "2026-11-25"))])
        let scheduler = HeartbeatScheduler(settings: settings, document: file, startedAt: instant("2026-11-26T08:00:00+08:00"))
        // Asleep from 08:05 to 13:47; the task runs once, at the catch-up beat, and not again that day.
        let beats = simulate(scheduler, from: instant("2026-11-26T08:01:00+08:00"), to: instant("2026-11-26T23:59:00+08:00"), marks: &marks,
                             asleep: instant("2026-11-26T08:05:00+08:00")...instant("2026-11-26T13:47:00+08:00"))
        let runs = beats.filter { $0.taskNames == ["每日资讯"] }
        #expect(runs.map(\.time) == [instant("2026-11-26T13:47:01+08:00")])
        #expect(runs.first?.isCatchUp == true)
        #expect(marks.tasks["每日资讯"]?.lastSlotDay == LocalDay(parsing: "2026-11-26"))
        // Every other beat that day found nothing due and made no agent call.
        #expect(beats.filter { !$0.callsAgent }.allSatisfy { $0.plan.skipReason == .noTaskDue })
        // The next morning it runs at the first beat at or after 09:00.
        let nextDay = simulate(scheduler, from: instant("2026-11-27T08:00:00+08:00"), to: instant("2026-11-27T10:00:00+08:00"), marks: &marks)
        #expect(nextDay.filter { $0.callsAgent }.map(\.time) == [instant("2026-11-27T09:00:00+08:00")])
    }

    @Test func aDailyTaskMissedForAWholeDayRunsOnceForThatDay() {
        let file = document("## Digest\n> schedule: daily 09:00\n- summarise\n")
        let marks = HeartbeatMarks(lastBeat: instant("2026-11-24T23:30:00Z"),
                                   tasks: ["digest": .init(lastRun: instant("2026-11-24T09:00:00Z"), lastSlotDay: LocalDay(parsing: "2026-11-24"))])
        let scheduler = HeartbeatScheduler(settings: .test(), document: file, startedAt: instant("2026-11-26T07:00:00Z"))
        guard case .beat(let decision) = scheduler.tick(now: instant("2026-11-26T07:00:00Z"), marks: marks) else {
            Issue.record("expected the missed daily task to run")
            return
        }
        #expect(decision.plan.dueTasks.map(\.slotDay) == [LocalDay(parsing: "2026-11-25")])
        #expect(decision.plan.checks[0].reason == "due: daily 09:00 (2026-11-25), missed on 2026-11-25 and run now")
    }

    @Test func aNewDailyTaskWaitsForItsFirstSlot() {
        let file = document("## Digest\n> schedule: daily 09:00\n- summarise\n")
        let scheduler = HeartbeatScheduler(settings: .test(), document: file, startedAt: instant("2026-11-26T07:00:00Z"))
        let early = scheduler.plan(at: instant("2026-11-26T08:00:00Z"), marks: .none)
        #expect(early.dueTasks.isEmpty)
        #expect(early.skipReason == .noTaskDue)
        #expect(early.checks[0].reason == "not due: daily 09:00, first run at 2026-11-26 09:00")
        #expect(scheduler.plan(at: instant("2026-11-26T09:10:00Z"), marks: .none).dueTasks.count == 1)
    }

    /// Each case: the zone, when the simulation starts (the evening before a clock change), the daily
    /// time, and the one instant the task must run (the first 15-minute beat at or after that wall time,
    /// or at the jump when it does not exist that night).
    @Test(arguments: [
        ("Europe/Berlin", "2026-10-24T20:00:00Z", "02:30", "2026-10-25T02:30:00+02:00"),
        ("Europe/Berlin", "2026-03-28T20:00:00Z", "02:30", "2026-03-29T03:00:00+02:00"),
        ("America/New_York", "2026-11-01T00:00:00Z", "01:30", "2026-11-01T01:30:00-04:00"),
        ("America/New_York", "2026-03-08T00:00:00Z", "02:30", "2026-03-08T03:00:00-04:00"),
    ])
    func daylightSavingNeitherSkipsNorDoublesADailyTask(zoneName: String, from: String, time: String, expected: String) {
        let settings = HeartbeatSettings.test(every: .minutes(15), zone: zoneName)
        let file = document("## Night job\n> schedule: daily \(time)\n- check\n")
        let start = instant(from)
        // It ran the evening before; the night of the clock change is next.
        var marks = HeartbeatMarks(tasks: ["night job": .init(lastSlotDay: ZonedTime.local(start, in: zone(zoneName)).day)])
        let scheduler = HeartbeatScheduler(settings: settings, document: file, startedAt: start)
        let beats = simulate(scheduler, from: start, to: start.addingTimeInterval(12 * 3600), marks: &marks)
        #expect(beats.count == 48)
        #expect(beats.filter(\.callsAgent).map(\.time) == [instant(expected)])
    }

    @Test func berlinSpringForwardRunsAtTheJump() {
        let settings = HeartbeatSettings.test(every: .minutes(15), zone: "Europe/Berlin")
        let file = document("## Night job\n> schedule: daily 02:30\n- check\n")
        var marks = HeartbeatMarks(lastBeat: instant("2026-03-29T00:00:00+01:00"), tasks: ["night job": .init(lastSlotDay: LocalDay(parsing: "2026-03-28"))])
        let scheduler = HeartbeatScheduler(settings: settings, document: file, startedAt: instant("2026-03-29T00:00:00+01:00"))
        let beats = simulate(scheduler, from: instant("2026-03-29T00:00:00+01:00"), to: instant("2026-03-29T06:00:00+02:00"), marks: &marks)
        #expect(beats.filter(\.callsAgent).map(\.time) == [instant("2026-03-29T03:00:00+02:00")])
    }

    @Test func weekdaysAndWeeklySchedules() {
        let file = document("## Standup\n> schedule: weekdays 08:30\n- notes\n\n## Review\n> schedule: weekly mon 10:00\n- review\n")
        let seen = HeartbeatMarks(tasks: ["standup": .init(lastSlotDay: LocalDay(parsing: "2026-11-27")), "review": .init(lastSlotDay: LocalDay(parsing: "2026-11-23"))])
        let scheduler = HeartbeatScheduler(settings: .test(every: .hours(1)), document: file, startedAt: instant("2026-11-28T00:00:00Z"))
        // Saturday and Sunday: nothing due.
        #expect(scheduler.plan(at: instant("2026-11-28T12:00:00Z"), marks: seen).skipReason == .noTaskDue)
        #expect(scheduler.plan(at: instant("2026-11-29T12:00:00Z"), marks: seen).skipReason == .noTaskDue)
        // Monday 09:00: the standup; 10:00: both (the standup once more only if it had not run).
        #expect(scheduler.plan(at: instant("2026-11-30T09:00:00Z"), marks: seen).dueTasks.map(\.task.name) == ["Standup"])
        #expect(scheduler.plan(at: instant("2026-11-30T10:00:00Z"), marks: seen).dueTasks.map(\.task.name) == ["Standup", "Review"])
        // A new weekly task added on a Wednesday waits for Monday.
        let fresh = scheduler.plan(at: instant("2026-11-25T12:00:00Z"), marks: .none)
        #expect(fresh.checks[1].reason == "not due: weekly mon 10:00, first run at 2026-11-30 10:00")
    }

    @Test func skipsWithoutAnAgentCall() {
        let start = instant("2026-11-26T00:00:00Z")
        func skip(_ file: HeartbeatDocument) -> SkipReason? {
            let scheduler = HeartbeatScheduler(settings: .test(), document: file, startedAt: start)
            guard case .skip(let decision) = scheduler.tick(now: instant("2026-11-26T00:30:00Z"), marks: .none) else { return nil }
            return decision.plan.skipReason
        }
        #expect(skip(.missing) == .noHeartbeatFile)
        #expect(skip(document(TownTemplates.heartbeat)) == .emptyFile)
        #expect(skip(document("# HEARTBEAT.md\n## \n- \n<!-- later -->\n##\n- [ ]\n")) == .emptyFile)
        #expect(skip(document("tasks: []\n\n# Rules\n- be brief\n")) == .emptyFile)
        #expect(skip(document("## Weekly\n> schedule: weekly sun 10:00\n- x\n")) == .noTaskDue)
        let off = HeartbeatScheduler(settings: .test(every: nil), document: document(inbox), startedAt: start)
        #expect(off.tick(now: start, marks: .none) == .wait(until: nil))
        #expect(off.nextBeat(after: start, marks: .none) == nil)
        #expect(off.plan(at: start, marks: .none).skipReason == .heartbeatOff)
    }

    @Test func priorityOrdersDueTasksAndNamedTasksCanBeForced() {
        let file = document("## A\n- a\n\n## B\n> priority: high\n- b\n\n## C\n> priority: low\n- c\n\n## D\n> schedule: weekly sun 10:00\n- d\n")
        let scheduler = HeartbeatScheduler(settings: .test(), document: file, startedAt: instant("2026-11-26T00:00:00Z"))
        let plan = scheduler.plan(at: instant("2026-11-26T12:00:00Z"), marks: .none)
        #expect(plan.dueTasks.map(\.task.name) == ["B", "A", "C"])
        let forced = scheduler.plan(at: instant("2026-11-26T12:00:00Z"), marks: .none, forcing: ["d"])
        #expect(forced.dueTasks.map(\.task.name) == ["B", "A", "D", "C"])
    }

    @Test func memoryOrganisingWaitsForABeatWithoutScheduledTasks() {
        let settings = HeartbeatSettings.test(zone: "Asia/Shanghai", organizeAt: ClockTime(hour: 4, minute: 0))
        let file = document("## Inbox\n- look\n\n## 每日资讯\n> schedule: daily 04:00\n- 新闻\n")
        let scheduler = HeartbeatScheduler(settings: settings, document: file, startedAt: instant("2026-11-26T00:00:00+08:00"))
        var marks = HeartbeatMarks(lastOrganizedDay: LocalDay(parsing: "2026-11-25"))
        marks.tasks["每日资讯"] = .init(lastSlotDay: LocalDay(parsing: "2026-11-25"))
        #expect(scheduler.organizeDay(at: instant("2026-11-26T03:59:00+08:00"), marks: marks) == nil)
        let busy = scheduler.plan(at: instant("2026-11-26T04:00:00+08:00"), marks: marks)
        #expect(busy.dueTasks.map(\.task.name) == ["Inbox", "每日资讯"])
        #expect(busy.organizeDay == nil)
        marks.tasks["每日资讯"] = .init(lastSlotDay: LocalDay(parsing: "2026-11-26"))
        let quiet = scheduler.plan(at: instant("2026-11-26T04:30:00+08:00"), marks: marks)
        #expect(quiet.organizeDay == LocalDay(parsing: "2026-11-26"))
        #expect(quiet.dueTasks.map(\.task.name) == ["Inbox"])
        #expect(marks.recording(BeatDecision(time: quiet.time, plan: quiet, missedBeats: 0)).lastOrganizedDay == LocalDay(parsing: "2026-11-26"))
        // With nothing in HEARTBEAT.md the beat is still skipped; the organising step is reported beside it.
        let idle = HeartbeatScheduler(settings: settings, document: .missing, startedAt: instant("2026-11-26T00:00:00+08:00"))
            .plan(at: instant("2026-11-26T04:30:00+08:00"), marks: marks)
        #expect(idle.skipReason == .noHeartbeatFile)
        #expect(idle.organizeDay == LocalDay(parsing: "2026-11-26"))
        #expect(idle.dueTasks.isEmpty)
    }
}
