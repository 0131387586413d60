import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct HeartbeatDocumentTests {
    private func problems(_ text: String) -> [String] {
        do {
            _ = try HeartbeatDocument.parse(text)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func chineseTasksWithOptions() throws {
        let document = try HeartbeatDocument.parse("""
            # HEARTBEAT.md

            ## 每日资讯
            > schedule: daily 09:00 · notify: phone, mail · formula: daily-news topic=AI lang="zh CN" · priority: high
            - 使用 WebSearch 搜索今天科技新闻
            - 总结 3 条重要资讯

            ## 检查邮箱
            > schedule：weekdays 08:30
            > notify：手机、邮件；priority：low
            - [ ] 看看有没有银行的邮件
            """)
        #expect(document.tasks.map(\.name) == ["每日资讯", "检查邮箱"])
        let news = document.tasks[0]
        #expect(news.line == 3)
        #expect(news.schedule == .calendar(days: Set(Weekday.allCases), at: ClockTime(hour: 9, minute: 0)))
        #expect(news.notify == ["phone", "mail"])
        #expect(news.formula == FormulaCall(name: "daily-news", variables: ["topic": "AI", "lang": "zh CN"]))
        #expect(news.priority == .high)
        #expect(news.steps == ["使用 WebSearch 搜索今天科技新闻", "总结 3 条重要资讯"])
        #expect(news.body == "- 使用 WebSearch 搜索今天科技新闻\n- 总结 3 条重要资讯")
        let mail = document.tasks[1]
        #expect(mail.schedule == .calendar(days: Weekday.workdays, at: ClockTime(hour: 8, minute: 30)))
        #expect(mail.notify == ["手机", "邮件"])
        #expect(mail.priority == .low)
        #expect(mail.steps == ["看看有没有银行的邮件"])
        #expect(!document.isEffectivelyEmpty)
    }

    @Test(arguments: [
        ("every 2h", TaskSchedule.every(.hours(2))),
        ("every 90m", .every(.minutes(90))),
        ("daily 09:00", .calendar(days: Set(Weekday.allCases), at: ClockTime(hour: 9, minute: 0))),
        ("weekdays 08:30", .calendar(days: Weekday.workdays, at: ClockTime(hour: 8, minute: 30))),
        ("weekends 10:00", .calendar(days: Weekday.weekend, at: ClockTime(hour: 10, minute: 0))),
        ("weekly mon 10:00", .calendar(days: [.monday], at: ClockTime(hour: 10, minute: 0))),
        ("weekly mon,thu 10:00", .calendar(days: [.monday, .thursday], at: ClockTime(hour: 10, minute: 0))),
        ("Weekly 周五 18:00", .calendar(days: [.friday], at: ClockTime(hour: 18, minute: 0))),
    ])
    func schedules(text: String, schedule: TaskSchedule) throws {
        #expect(TaskSchedule(parsing: text) == schedule)
        #expect(TaskSchedule(parsing: schedule.description) == schedule)
    }

    @Test(arguments: ["daily 9am", "daily 24:00", "every", "every 30s", "every soon", "weekly 10:00", "weekly funday 10:00", "hourly", "daily 09:00 extra"])
    func badSchedules(text: String) {
        #expect(TaskSchedule(parsing: text) == nil)
    }

    @Test func aPlainChecklistIsOneTask() throws {
        let document = try HeartbeatDocument.parse("""
            # Heartbeat checklist
            - Check email for urgent messages
            - Review calendar for events in the next 2 hours
            """)
        #expect(document.tasks.count == 1)
        #expect(document.tasks[0].name == HeartbeatDocument.checklistTaskName)
        #expect(document.tasks[0].schedule == .everyBeat)
        #expect(document.tasks[0].steps == ["Check email for urgent messages", "Review calendar for events in the next 2 hours"])
        #expect(!document.isEffectivelyEmpty)
    }

    @Test func effectivelyEmptyFiles() throws {
        #expect(try HeartbeatDocument.parse(TownTemplates.heartbeat).isEffectivelyEmpty)
        #expect(try HeartbeatDocument.parse("").isEffectivelyEmpty)
        let skeleton = try HeartbeatDocument.parse("""
            # HEARTBEAT.md
            # ## 每日资讯 (commented out)

            ## Inbox
            -
            - [ ]
            * 
            1.
            ### Later
            <!-- nothing yet -->
            ---

            ## 每日资讯
            > schedule: daily 09:00

            <!--
            - 使用 WebSearch 搜索今天科技新闻
            -->
            """)
        #expect(skeleton.tasks.map(\.name) == ["Inbox", "每日资讯"])
        #expect(skeleton.tasks.allSatisfy { $0.isEmpty })
        #expect(skeleton.isEffectivelyEmpty)
    }

    @Test func aFormulaAloneIsWork() throws {
        let document = try HeartbeatDocument.parse("## News\n> formula: daily-news topic=AI\n")
        #expect(!document.isEffectivelyEmpty)
        #expect(document.tasks[0].steps.isEmpty)
    }

    @Test func notesBeforeTheFirstTaskAndQuotesThatAreNotOptions() throws {
        let document = try HeartbeatDocument.parse("""
            # title
            Answer in Chinese.

            ## Deploys
            > Note: the staging server is slow.
            - Check last night's deploy
            ```
            ## not a heading inside code
            # not a comment inside code
            ```
            """)
        #expect(document.notes == "Answer in Chinese.")
        #expect(document.tasks.map(\.name) == ["Deploys"])
        let task = document.tasks[0]
        #expect(task.notify == nil && task.schedule == .everyBeat)
        #expect(task.body.hasPrefix("> Note: the staging server is slow."))
        #expect(task.body.contains("## not a heading inside code"))
        #expect(task.body.contains("# not a comment inside code"))
    }

    @Test func aByteOrderMarkAndWindowsLineEnds() throws {
        let document = try HeartbeatDocument.parse("\u{FEFF}## 每日资讯\r\n> schedule: daily 09:00\r\n- 新闻\r\n")
        #expect(document.tasks.map(\.name) == ["每日资讯"])
        #expect(document.tasks[0].steps == ["新闻"])
        #expect(document.tasks[0].schedule == TaskSchedule(parsing: "daily 09:00"))
    }

    @Test func headingsWithoutASpaceAndClosingHashes() throws {
        let document = try HeartbeatDocument.parse("##每日资讯\n- a\n## Inbox ##\n- b\n")
        #expect(document.tasks.map(\.name) == ["每日资讯", "Inbox"])
    }

    @Test func optionErrorsNameTheLineAndTheFix() {
        #expect(problems("""
            ## 每日资讯
            > shedule: daily 09:00
            - a

            ## Inbox
            > schedule: daily 9am · priority: urgent
            > schedule: every 2h
            - b

            ## Digest
            > notify: phone mail · formula: topic=AI
            > colour: blue
            - c
            """) == [
            "HEARTBEAT.md:2: task \"每日资讯\": unknown option \"shedule\": did you mean \"schedule\"? options are schedule, notify, urgent, formula, priority",
            "HEARTBEAT.md:6: task \"Inbox\": schedule \"daily 9am\" is not a schedule: write \"every 2h\", \"daily 09:00\", \"weekdays 08:30\" or \"weekly mon 10:00\"",
            "HEARTBEAT.md:6: task \"Inbox\": priority \"urgent\" is not one of high, normal, low",
            "HEARTBEAT.md:7: task \"Inbox\": option \"schedule\" is given twice: keep one",
            "HEARTBEAT.md:11: task \"Digest\": notify \"phone mail\" is not a target name: list names separated by commas, like notify: phone, mail",
            "HEARTBEAT.md:11: task \"Digest\": formula starts with \"topic=AI\": write the formula name first, like formula: daily-news topic=AI",
            "HEARTBEAT.md:12: task \"Digest\": unknown option \"colour\": options are schedule, notify, urgent, formula, priority",
        ])
    }

    @Test func structuralErrors() {
        // `##` with no name is nothing (docs/heartbeat.md): "- c" belongs to the task above it.
        #expect(problems("## Inbox\n- a\n\n## inbox\n- b\n##\n- c\n## X\n> schedule:\n> just words\n") == [
            "HEARTBEAT.md:4: task \"inbox\" has the same name as the task at line 1: give each task its own name",
            "HEARTBEAT.md:9: task \"X\": option \"schedule\" has no value: write it after the colon, like \"schedule: daily 09:00\"",
            "HEARTBEAT.md:10: task \"X\": \"just words\" is not an option: write key: value, like \"schedule: daily 09:00\" (options: schedule, notify, urgent, formula, priority)",
        ])
        #expect(problems("## X\n> formula: news topic=\"AI\n") == [
            "HEARTBEAT.md:2: task \"X\": formula has an unclosed quote: close it, like topic=\"AI safety\"",
        ])
    }

    @Test func loadingAMissingFileIsNotAnError() throws {
        let directory = TemporaryDirectory()
        #expect(try HeartbeatDocument.load(from: directory.path("HEARTBEAT.md")) == .missing)
        try "## A\n> priority: top\n".write(to: directory.path("HEARTBEAT.md"), atomically: true, encoding: .utf8)
        #expect(throws: GatewayError("HEARTBEAT.md:2: task \"A\": priority \"top\" is not one of high, normal, low", exit: .config)) {
            try HeartbeatDocument.load(from: directory.path("HEARTBEAT.md"))
        }
    }

    @Test func taskKeysIgnoreCaseSpacingAndEmphasis() {
        #expect(HeartbeatTask.key("**Daily  News**:") == HeartbeatTask.key("daily news"))
        #expect(HeartbeatTask.key("每日资讯：") == "每日资讯")
    }
}
