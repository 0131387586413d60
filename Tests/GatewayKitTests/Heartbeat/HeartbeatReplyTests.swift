import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct HeartbeatReplyTests {
    private let tasks = [HeartbeatTask(name: "每日资讯", line: 1), HeartbeatTask(name: "Check the Inbox", line: 5)]

    private func verdict(_ text: String, limit: Int = 300) -> HeartbeatReply.Verdict {
        HeartbeatReply.judge(text, taskKey: "t", ackMaxChars: limit)
    }

    @Test(arguments: [
        ("HEARTBEAT_OK", ""),
        ("HEARTBEAT_OK — all quiet.", "all quiet."),
        ("Checked the bank and the calendar.\n\nHEARTBEAT_OK", "Checked the bank and the calendar."),
        ("**HEARTBEAT_OK**", ""),
        ("`HEARTBEAT_OK`.", ""),
        ("_HEARTBEAT_OK_!", ""),
        ("> **HEARTBEAT_OK** nothing new", "nothing new"),
        ("没有新消息。HEARTBEAT_OK。", "没有新消息。"),
        ("heartbeat_ok", ""),
        ("没有新消息 HEARTBEAT_OK", "没有新消息"),
        ("Nothing new: `HEARTBEAT_OK`", "Nothing new"),
        ("__HEARTBEAT_OK__", ""),
        ("*HEARTBEAT_OK*", ""),
        ("<b>HEARTBEAT_OK</b>", ""),
        ("<strong>HEARTBEAT_OK</strong>", ""),
        ("<i>HEARTBEAT_OK</i>", ""),
        ("<em>HEARTBEAT_OK</em>.", ""),
        ("<code>HEARTBEAT_OK</code>", ""),
        ("<B>HEARTBEAT_OK</B>", ""),
        ("**<strong><code>HEARTBEAT_OK</code></strong>**", ""),
        ("<b>HEARTBEAT_OK</b> — all quiet.", "all quiet."),
        ("Nothing new. <strong>HEARTBEAT_OK</strong>", "Nothing new."),
        ("Nothing new: <em>HEARTBEAT_OK</em>!", "Nothing new"),
    ])
    func acknowledgementsAtTheStartOrEnd(reply: String, note: String) {
        #expect(verdict(reply) == .ok(note: note))
    }

    @Test(arguments: ["<b>HEARTBEAT_OKAY</b>", "<span>HEARTBEAT_OK</span>", "<b>Checked:</b> the invoices need approval"])
    func otherWrappersAndWordsAreFindings(reply: String) {
        guard case .finding(let finding) = verdict(reply) else {
            Issue.record("expected a finding for \(reply)")
            return
        }
        #expect(finding.text == reply)
    }

    @Test func anHTMLWrappedSectionIsOKLikeAMarkdownWrappedOne() {
        let html = HeartbeatReply.parse("## 每日资讯\n<b>HEARTBEAT_OK</b>\n\n## Check the inbox\n<strong>HEARTBEAT_OK</strong>",
                                        tasks: tasks, ackMaxChars: 300)
        let markdown = HeartbeatReply.parse("## 每日资讯\n**HEARTBEAT_OK**\n\n## Check the inbox\n__HEARTBEAT_OK__",
                                            tasks: tasks, ackMaxChars: 300)
        #expect(html.results.map(\.verdict) == [.ok(note: ""), .ok(note: "")])
        #expect(html.results.map(\.verdict) == markdown.results.map(\.verdict))
    }

    @Test(arguments: [
        "\(String(repeating: "x", count: 40)) HEARTBEAT_OK",
        "\(String(repeating: "x", count: 40))\n\n<b>HEARTBEAT_OK</b>",
        "**HEARTBEAT_OK**\n\(String(repeating: "x", count: 40))",
        "HEARTBEAT_OK — \(String(repeating: "x", count: 40))",
    ])
    func aLongFindingAtTheTokenLosesTheTokenAtItsEdges(reply: String) {
        guard case .finding(let finding) = verdict(reply, limit: 10) else {
            Issue.record("expected a finding")
            return
        }
        #expect(finding.text == String(repeating: "x", count: 40))
        #expect(finding.message == finding.text)
        // With or without the token it is the same alert, so it is not sent twice within 24 hours.
        #expect(finding.alertKey == HeartbeatReply.alertKey(task: "t", text: String(repeating: "x", count: 40)))
    }

    @Test func anUrgentFindingSaysEachLineOnce() {
        guard case .finding(let finding) = verdict("""
            三条要闻：量子纠错突破。
            URGENT: 重大突破

            - **Urgent:** payroll failed
            Details follow tomorrow.
            HEARTBEAT_OK
            """) else {
            Issue.record("expected a finding")
            return
        }
        #expect(!finding.text.contains("HEARTBEAT_OK"))
        #expect(finding.text.hasPrefix("三条要闻") && finding.text.contains("URGENT: 重大突破"), "the log keeps the section as written")
        #expect(finding.message == "重大突破\npayroll failed\n\n三条要闻：量子纠错突破。\n\nDetails follow tomorrow.")
        guard case .finding(let bare) = verdict("🚨 disk 98% full") else {
            Issue.record("expected a finding")
            return
        }
        #expect(bare.message == "disk 98% full")
    }

    @Test func aLongReplyWithOKInTheMiddleIsAFinding() {
        let reply = "Three new invoices arrived. HEARTBEAT_OK for the calendar, but the invoices need your approval today."
        guard case .finding(let finding) = verdict(reply) else {
            Issue.record("expected a finding")
            return
        }
        #expect(finding.text == reply)
        #expect(!finding.isUrgent)
    }

    @Test func okWithTooMuchTextIsAFinding() {
        let long = "HEARTBEAT_OK\n" + String(repeating: "x", count: 301)
        #expect(verdict(long) != .ok(note: String(repeating: "x", count: 301)))
        #expect(verdict(long, limit: 301) == .ok(note: String(repeating: "x", count: 301)))
        #expect(verdict("HEARTBEAT_OKAY, I looked") != .ok(note: ", I looked"))
    }

    @Test func urgentLinesAreExtractedAndNeverAcknowledged() {
        guard case .finding(let finding) = verdict("""
            Two things:
            - URGENT: the production database is down
            - **Urgent:** payroll failed
            🚨 disk 98% full
            - a minor typo on the site
            HEARTBEAT_OK
            """) else {
            Issue.record("urgent lines must make a finding")
            return
        }
        #expect(finding.urgentLines == ["the production database is down", "payroll failed", "disk 98% full"])
        #expect(finding.isUrgent)
    }

    @Test func sectionsInAnyOrderWithLooseHeadings() {
        let reply = """
            Here is the heartbeat.

            ### **check the inbox**:
            HEARTBEAT_OK

            ## 2. 每日资讯
            1. OpenAI released a model
            ## Sources
            - example.com
            """
        let parsed = HeartbeatReply.parse(reply, tasks: tasks, ackMaxChars: 300)
        #expect(!parsed.coversWholeBeat)
        #expect(parsed.results.map(\.taskName) == ["每日资讯", "Check the Inbox"])
        guard case .finding(let news) = parsed.results[0].verdict else {
            Issue.record("expected the news finding")
            return
        }
        // An unknown heading stays inside the section it appears in.
        #expect(news.text == "1. OpenAI released a model\n## Sources\n- example.com")
        #expect(parsed.results[1].verdict == .ok(note: ""))
        guard case .finding(let preamble) = parsed.preamble else {
            Issue.record("expected the preamble")
            return
        }
        #expect(preamble.text == "Here is the heartbeat.")
    }

    @Test func missingAndEmptySections() {
        let parsed = HeartbeatReply.parse("## 每日资讯\n\n## Something else\nHEARTBEAT_OK\n", tasks: tasks, ackMaxChars: 300)
        // "Something else" is not a task, so the first section holds it and is acknowledged by it.
        #expect(parsed.results[0].verdict == .ok(note: "## Something else"))
        #expect(parsed.results[1].verdict == .missing)
        #expect(parsed.preamble == nil)
        let empty = HeartbeatReply.parse("## Check the inbox\n\n## 每日资讯\nHEARTBEAT_OK", tasks: tasks, ackMaxChars: 300)
        #expect(empty.results[1].verdict == .missing)
    }

    @Test func aReplyWithoutSectionsCountsForTheWholeBeat() {
        let ok = HeartbeatReply.parse("All clear. HEARTBEAT_OK", tasks: tasks, ackMaxChars: 300)
        #expect(ok.coversWholeBeat)
        #expect(ok.results.map(\.verdict) == [.ok(note: "All clear."), .ok(note: "All clear.")])
        let finding = HeartbeatReply.parse("URGENT: the server is down", tasks: tasks, ackMaxChars: 300)
        #expect(finding.coversWholeBeat)
        #expect(finding.results.allSatisfy { if case .finding(let f) = $0.verdict { f.urgentLines == ["the server is down"] } else { false } })
    }

    @Test func aWholeLineInBoldCanHeadASection() {
        let parsed = HeartbeatReply.parse("**Check the inbox**\nHEARTBEAT_OK\n\n**每日资讯:**\nNothing new today. HEARTBEAT_OK", tasks: tasks, ackMaxChars: 300)
        #expect(parsed.results.map(\.verdict) == [.ok(note: "Nothing new today."), .ok(note: "")])
        #expect(!parsed.coversWholeBeat)
    }

    @Test func headingsInsideCodeDoNotSplit() {
        let reply = "## Check the inbox\n```\n## 每日资讯\n```\nHEARTBEAT_OK"
        let parsed = HeartbeatReply.parse(reply, tasks: tasks, ackMaxChars: 300)
        #expect(parsed.results[0].verdict == .missing)
        #expect(parsed.results[1].verdict == .ok(note: "```\n## 每日资讯\n```"))
    }

    @Test func alertKeysIgnoreSpacingCaseAndEmphasis() {
        let a = HeartbeatReply.alertKey(task: "inbox", text: "The  **server** is down")
        #expect(a == HeartbeatReply.alertKey(task: "inbox", text: "the server is\ndown"))
        #expect(a != HeartbeatReply.alertKey(task: "news", text: "the server is down"))
        #expect(a != HeartbeatReply.alertKey(task: "inbox", text: "the server is up"))
        #expect(a.count == 16)
        guard case .finding(let first) = HeartbeatReply.judge("Server is **down**", taskKey: "inbox", ackMaxChars: 300),
              case .finding(let second) = HeartbeatReply.judge("server is down", taskKey: "inbox", ackMaxChars: 300)
        else {
            Issue.record("expected findings")
            return
        }
        #expect(first.alertKey == second.alertKey)
    }
}
