import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// The marks in a real SQLite file: what one process records, the next one (a restarted daemon) reads.
@Suite struct HeartbeatLedgerTests {
    private let file = try! HeartbeatDocument.parse("""
        ## Inbox
        - look

        ## 每日资讯
        > schedule: daily 09:00
        - 新闻
        """)

    @Test func aNewLedgerHasTheMigrationAndNoMarks() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        #expect(try await ledger.appliedMigrations().contains("v2-heartbeat-marks"))
        #expect(try await ledger.loadHeartbeatMarks() == .none)
        #expect(try await ledger.heartbeatHistory().isEmpty)
    }

    @Test func recordedBeatsComeBackAsTheSameMarks() async throws {
        let directory = TemporaryDirectory()
        let settings = HeartbeatSettings.test(zone: "Asia/Shanghai", organizeAt: ClockTime(hour: 4, minute: 0))
        let scheduler = HeartbeatScheduler(settings: settings, document: file, startedAt: instant("2026-11-26T08:00:00+08:00"))
        var expected = HeartbeatMarks.none
        do {
            let ledger = try Ledger(file: directory.path("ledger.sqlite"))
            for time in ["2026-11-26T08:30:00.25+08:00", "2026-11-26T09:00:00.5+08:00", "2026-11-26T09:30:00.75+08:00"] {
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let now = try #require(formatter.date(from: time))
                let marks = try await ledger.loadHeartbeatMarks()
                #expect(marks == expected)
                guard case .beat(let decision) = scheduler.tick(now: now, marks: marks) else {
                    Issue.record("expected a beat at \(time)")
                    return
                }
                try await ledger.recordBeat(decision)
                expected = expected.recording(decision)
            }
        }
        // A second process opening the same file sees exactly what was recorded.
        let reopened = try Ledger(file: directory.path("ledger.sqlite"))
        let marks = try await reopened.loadHeartbeatMarks()
        #expect(marks == expected)
        #expect(marks.tasks["每日资讯"]?.lastSlotDay == LocalDay(parsing: "2026-11-26"))
        // Stored as Unix seconds: fractions come back exactly.
        #expect(marks.tasks["每日资讯"]?.lastRun == instant("2026-11-26T09:00:00+08:00").addingTimeInterval(0.5))
        #expect(marks.lastOrganizedDay == LocalDay(parsing: "2026-11-26"))
        let history = try await reopened.heartbeatHistory()
        #expect(history.map(\.tasks) == [["Inbox"], ["Inbox", "每日资讯"], ["Inbox"]])
        #expect(history.allSatisfy { $0.outcome == "ran" && $0.skipReason == nil })
    }

    @Test func aRestartedDaemonNeitherDoublesNorLosesABeat() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let settings = HeartbeatSettings.test()
        let first = HeartbeatScheduler(settings: settings, document: file, startedAt: instant("2026-11-26T00:00:00Z"))
        guard case .beat(let decision) = first.tick(now: instant("2026-11-26T00:30:00Z"), marks: try await ledger.loadHeartbeatMarks()) else {
            Issue.record("expected a beat")
            return
        }
        let id = try await ledger.recordBeat(decision)
        // The process dies after recording and restarts: recording the same decision again is a no-op.
        #expect(try await ledger.recordBeat(decision) == id)
        #expect(try await ledger.heartbeatHistory().count == 1)
        let restarted = HeartbeatScheduler(settings: settings, document: file, startedAt: instant("2026-11-26T00:31:00Z"))
        #expect(restarted.tick(now: instant("2026-11-26T00:31:00Z"), marks: try await ledger.loadHeartbeatMarks())
            == .wait(until: instant("2026-11-26T01:00:00Z")))
    }

    @Test func skippedBeatsRecordWhyAndMoveOnlyTheBeatMark() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let scheduler = HeartbeatScheduler(settings: .test(), document: .missing, startedAt: instant("2026-11-26T00:00:00Z"))
        guard case .skip(let decision) = scheduler.tick(now: instant("2026-11-26T00:30:00Z"), marks: .none) else {
            Issue.record("expected a skip")
            return
        }
        try await ledger.recordBeat(decision)
        let marks = try await ledger.loadHeartbeatMarks()
        #expect(marks == HeartbeatMarks(lastBeat: instant("2026-11-26T00:30:00Z")))
        let record = try #require(try await ledger.heartbeatHistory().first)
        #expect(record.outcome == "skipped")
        #expect(record.skipReason == "no-heartbeat-file")
        #expect(record.detail == SkipReason.noHeartbeatFile.description)
        #expect(record.tasks.isEmpty)
    }
}

@Suite struct HeartbeatCodableTests {
    @Test func marksAndTasksRoundTripThroughJSON() throws {
        let marks = HeartbeatMarks(lastBeat: instant("2026-11-26T09:00:00Z"),
                                   tasks: ["每日资讯": .init(lastRun: instant("2026-11-26T09:00:00Z"), lastSlotDay: LocalDay(parsing: "2026-11-26"))],
                                   lastOrganizedDay: LocalDay(parsing: "2026-11-25"))
        let data = try JSONEncoder().encode(marks)
        #expect(String(decoding: data, as: UTF8.self).contains("\"2026-11-26\""))
        #expect(try JSONDecoder().decode(HeartbeatMarks.self, from: data) == marks)

        let document = try HeartbeatDocument.parse("## 每日资讯\n> schedule: weekly mon,thu 10:00 · formula: news topic=\"AI safety\"\n- 新闻\n")
        let task = document.tasks[0]
        #expect(try JSONDecoder().decode(HeartbeatTask.self, from: JSONEncoder().encode(task)) == task)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TaskSchedule.self, from: Data("\"hourly\"".utf8)) }
    }
}
