import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct HeartbeatPromptTests {
    private let file = """
        # HEARTBEAT.md
        Answer in Chinese.

        ## 每日资讯
        > schedule: daily 09:00 · formula: daily-news topic=AI · priority: high
        - 使用 WebSearch 搜索今天科技新闻
        - 总结 3 条重要资讯

        ## Inbox
        - Check for mail from the bank
        """

    private func plan(settings: HeartbeatSettings, at time: Date) throws -> (BeatPlan, HeartbeatDocument) {
        let document = try HeartbeatDocument.parse(file)
        let scheduler = HeartbeatScheduler(settings: settings, document: document, startedAt: time)
        return (scheduler.plan(at: time, marks: .none), document)
    }

    @Test func defaultPromptNamesTimeZoneTasksProtocolAndLog() throws {
        let settings = HeartbeatSettings.test(zone: "Asia/Shanghai")
        // 01:30 UTC on the 26th is 09:30 in Shanghai; 17:30 UTC on the 25th would already be the 26th there.
        let (plan, document) = try plan(settings: settings, at: instant("2026-11-26T09:30:00+08:00"))
        let prompt = HeartbeatPrompt.render(plan, notes: document.notes, settings: settings, zone: zone("Asia/Shanghai"))
        #expect(prompt.hasPrefix("Heartbeat: 2026-11-26 09:30, Thursday (Asia/Shanghai, UTC+08:00).\n"))
        #expect(prompt.contains("Standing notes from HEARTBEAT.md:\n\nAnswer in Chinese.\n"))
        #expect(prompt.contains("""
            ## 每日资讯
            (priority high · schedule daily 09:00 · formula daily-news topic=AI)
            - 使用 WebSearch 搜索今天科技新闻
            - 总结 3 条重要资讯

            ## Inbox
            - Check for mail from the bank
            """))
        #expect(prompt.contains("its section holds only HEARTBEAT_OK"))
        #expect(prompt.contains("Start a line with `URGENT:` (or 🚨)"))
        #expect(prompt.contains("`## 每日资讯`"))
        #expect(prompt.contains("today's log, memory/2026-11-26.md in your folder"))
        #expect(prompt.hasSuffix("commits it.\n"))
    }

    @Test func theLogDateIsTheHeartbeatZonesDate() throws {
        let settings = HeartbeatSettings.test(zone: "Asia/Shanghai")
        let (plan, document) = try plan(settings: settings, at: instant("2026-11-25T17:30:00Z"))
        let prompt = HeartbeatPrompt.render(plan, notes: document.notes, settings: settings, zone: zone("Asia/Shanghai"))
        #expect(prompt.contains("memory/2026-11-26.md"))
        #expect(prompt.hasPrefix("Heartbeat: 2026-11-26 01:30, Thursday"))
    }

    @Test func aCatchUpBeatSaysSo() throws {
        let settings = HeartbeatSettings.test()
        let (plan, document) = try plan(settings: settings, at: instant("2026-11-26T10:00:00Z"))
        let prompt = HeartbeatPrompt.render(plan, notes: document.notes, settings: settings, zone: zone("UTC"), missedBeats: 19)
        #expect(prompt.contains("(19 beats were missed while the machine slept, Gateway was stopped or you were busy; this one beat covers them.)"))
    }

    @Test func aCustomPromptUsesPlaceholdersAndAlwaysKeepsTasksAndProtocol() throws {
        var settings = HeartbeatSettings.test(zone: "Europe/Berlin")
        settings.prompt = "Beat {{date}} at {{time}} ({{timezone}}); log {{log_file}}.\n\n{{ tasks }}"
        let (plan, document) = try plan(settings: settings, at: instant("2026-11-26T10:00:00+01:00"))
        let prompt = HeartbeatPrompt.render(plan, notes: document.notes, settings: settings, zone: zone("Europe/Berlin"))
        #expect(prompt.hasPrefix("Beat 2026-11-26 at 2026-11-26 10:00, Thursday (Europe/Berlin, UTC+01:00); log memory/2026-11-26.md."))
        #expect(prompt.components(separatedBy: "## Inbox\n- Check for mail from the bank").count == 2)
        #expect(prompt.components(separatedBy: "How to reply").count == 2)

        settings.prompt = "Be brief."
        let short = HeartbeatPrompt.render(plan, notes: "", settings: settings, zone: zone("Europe/Berlin"))
        #expect(short.hasPrefix("Be brief.\n\n## 每日资讯"))
        #expect(short.contains("How to reply"))
    }

    @Test func taskTextIsNeverTreatedAsAPlaceholder() throws {
        let document = try HeartbeatDocument.parse("## Templates\n- Explain what {{reply_protocol}} means in our docs\n")
        let settings = HeartbeatSettings.test()
        let plan = HeartbeatScheduler(settings: settings, document: document, startedAt: .now).plan(at: instant("2026-11-26T10:00:00Z"), marks: .none)
        let prompt = HeartbeatPrompt.render(plan, notes: "", settings: settings, zone: zone("UTC"))
        #expect(prompt.contains("- Explain what {{reply_protocol}} means in our docs"))
        #expect(HeartbeatPrompt.unknownPlaceholders(in: "{{time}} {{ weather }} {{tasks}}") == ["weather"])
    }
}

@Suite struct HeartbeatMomentTests {
    @Test(arguments: [
        ("2026-11-26T09:00:00+08:00", "2026-11-26T01:00:00Z"),
        ("2026-11-26T01:00:00Z", "2026-11-26T01:00:00Z"),
        ("2026-11-26T01:00:00.500Z", "2026-11-26T01:00:00Z"),
        ("2026-11-26T09:00", "2026-11-26T01:00:00Z"),
        ("2026-11-26 09:00:30", "2026-11-26T01:00:30Z"),
    ])
    func readsMomentsWithAndWithoutAZone(text: String, expected: String) throws {
        let moment = try #require(HeartbeatPreview.parseMoment(text, zone: zone("Asia/Shanghai")))
        #expect(abs(moment.timeIntervalSince(instant(expected))) < 1)
    }

    @Test(arguments: ["tomorrow", "2026-11-26", "2026-11-26T9:00", "2026-11-26T24:00", "2026-11-26T09:00:61", "2026-13-01T09:00"])
    func refusesWhatIsNotAMoment(text: String) {
        #expect(HeartbeatPreview.parseMoment(text, zone: zone("UTC")) == nil)
    }
}
