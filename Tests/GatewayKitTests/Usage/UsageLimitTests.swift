import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// Reading a usage or rate limit: which reports count, when they reset, and where on a screen a notice
/// is believed — never from a reply or a prompt that merely quotes one.
struct UsageLimitTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// 2026-12-05 10:00 in Berlin.
    let now = Date(timeIntervalSince1970: 1_796_461_200)

    @Test func whichReportsCount() {
        #expect(UsageLimit.isLimit(error: "rate_limit", message: "API Error: Request rejected (429) · slow down"))
        #expect(UsageLimit.isLimit(error: nil, message: "You've hit your limit · resets 3pm"))
        #expect(UsageLimit.isLimit(error: nil, message: "Claude AI usage limit reached|1796475600"))
        #expect(UsageLimit.isLimit(error: nil, message: "5-hour limit reached ∙ resets 3pm"))
        #expect(!UsageLimit.isLimit(error: "server_error", message: "API Error: 500"))
        #expect(!UsageLimit.isLimit(error: nil, message: "ECHO: You've hit your limit · resets 3pm"), "a reply quoting it")
        #expect(!UsageLimit.isLimit(error: nil, message: "The report says: the rate limit reached its peak at noon and the API usage limit reached nothing"))
        #expect(!UsageLimit.isLimit(error: nil, message: "You've hit your limit · resets 3pm\n" + String(repeating: "x", count: 500)), "a long reply is no notice")
        #expect(!UsageLimit.isLimit(error: nil, message: nil))
    }

    @Test func whenTheyReset() throws {
        func reset(_ text: String) -> Date? { UsageLimit.resetTime(in: text, now: now, zone: berlin) }
        #expect(reset("You've hit your limit · resets 3pm") == now.addingTimeInterval(5 * 3600))
        #expect(reset("5-hour limit reached ∙ resets 3:30pm") == now.addingTimeInterval(5.5 * 3600))
        #expect(reset("Your limit will reset at 15:00") == now.addingTimeInterval(5 * 3600))
        #expect(reset("resets 9am") == now.addingTimeInterval(23 * 3600), "already past today: tomorrow")
        #expect(reset("resets 3pm (Asia/Shanghai)") == now.addingTimeInterval(-2 * 3600 + 24 * 3600), "15:00 in Shanghai is 08:00 in Berlin, passed")
        #expect(reset("Claude AI usage limit reached|1796475600") == Date(timeIntervalSince1970: 1_796_475_600))
        for none in ["rate limited", "resets soon", "resets 13pm", "resets 25:00", "resets 3:7pm", "resets at #{pane_id}", "resets 3pm (Not/AZone)|-5", "limit reached|99999999999999"] {
            let found = reset(none)
            if none.hasPrefix("resets 3pm (Not") {
                #expect(found == now.addingTimeInterval(5 * 3600), "an unknown zone falls back to the local one")
            } else {
                #expect(found == nil, "\(none) → \(String(describing: found))")
            }
        }
        #expect(UsageLimit.backoff(.seconds(300), strikes: 1) == 300)
        #expect(UsageLimit.backoff(.seconds(300), strikes: 3) == 1200)
        #expect(UsageLimit.backoff(.seconds(300), strikes: 40) == 3600)
    }

    static let rule = String(repeating: "─", count: 60)

    func screen(_ conversation: [String], input: String = "") -> AgentScreen {
        let lines = [" ▐▛███▜▌   Claude Code v2.1.332", ""] + conversation + ["", Self.rule, "❯ \(input)", Self.rule, "  ? for shortcuts"]
        return AgentScreen(text: lines.joined(separator: "\n"), profile: AgentProfile.builtIns["claude"]!)
    }

    @Test func aNoticeIsBelievedOnlyAtTheEndOfTheConversation() {
        #expect(screen(["❯ do the thing", "  ⎿  You've hit your limit · resets 3pm"]).limitLine == "⎿  You've hit your limit · resets 3pm")
        #expect(screen(["❯ do the thing", "● Claude AI usage limit reached|1796475600"]).limitLine != nil)
        #expect(screen(["❯ tell me", "● ECHO: You've hit your limit · resets 3pm"]).limitLine == nil, "quoted in a reply")
        #expect(screen(["❯ You've hit your limit · resets 3pm"]).limitLine == nil, "a prompt that says it")
        #expect(screen(["● fine"], input: "You've hit your limit · resets 3pm").limitLine == nil, "typed in the input box")
        let old = ["  ⎿  You've hit your limit · resets 3pm"] + (1...8).map { "● reply line \($0)" }
        #expect(screen(old).limitLine == nil, "an old notice, scrolled up by later turns")
    }
}
