import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// Hook payload parsing, restart backoff and the tmux command lines the Mayor runs.
@Suite struct MayorUnitTests {
    @Test func hookEventReadsKnownFieldsAndKeepsUnknownOnes() {
        let json = #"{"session_id":"s","prompt_id":"p","transcript_path":"/t.jsonl","cwd":"/c","prompt":"hi\nthere","hook_event_name":"UserPromptSubmit","future_field":{"x":[1,2]},"effort":{"level":"medium"}}"#
        let event = HookEvent(name: .userPromptSubmit, json: json)
        #expect(event.sessionId == "s" && event.promptId == "p" && event.transcriptPath == "/t.jsonl" && event.cwd == "/c")
        #expect(event.prompt == "hi\nthere")
        #expect(event.raw == json)
    }

    @Test func hookEventWithoutNewerFieldsHasNils() {
        let event = HookEvent(name: .stop, json: #"{"session_id":"s","transcript_path":"/t","stop_hook_active":false}"#)
        #expect(event.promptId == nil && event.lastAssistantMessage == nil && event.sessionId == "s")
    }

    @Test func hookEventJoinsErrorAndDetails() {
        let event = HookEvent(name: .stopFailure, json: #"{"error":"rate_limit","error_details":{"status":429}}"#)
        #expect(event.error == #"rate_limit: {"status":429}"#)
        let plain = HookEvent(name: .stopFailure, json: #"{"error":"unknown","last_assistant_message":"API Error: 400 bad"}"#)
        #expect(plain.error == "unknown" && plain.lastAssistantMessage == "API Error: 400 bad")
    }

    @Test func hookEventThatIsNotJSONKeepsTheRawText() {
        let event = HookEvent(name: .stop, json: "not json")
        #expect(event.raw == "not json" && event.sessionId == nil)
        #expect(HookEvent(name: .stop, json: "[1]").sessionId == nil)
    }

    @Test func promptsCompareAcrossLineEndingsAndSurroundingSpace() {
        #expect(HookEvent.samePrompt("a\r\nb\rc\n", "a\nb\nc"))
        #expect(!HookEvent.samePrompt("a b", "a  b"))
    }

    /// As Claude Code 2.1.332 submitted a 3 KB paste (seen in its UserPromptSubmit payload).
    @Test func aLongPasteWrappedByClaudeMatchesWhatWasSent() {
        let sent = "1. 第一行 $1 \\1\n2. second line"
        let submitted = "\n\n<pasted_content id=\"8b1c\">\n\(sent)\n</pasted_content id=\"8b1c\">\n"
        #expect(HookEvent.samePrompt(submitted, sent))
        #expect(!HookEvent.samePrompt(submitted, "1. 第一行"))
        #expect(HookEvent.unwrapPastes("before\n\n<pasted_content id=\"a\">\nmiddle\n</pasted_content id=\"a\">\nafter") == "beforemiddleafter")
    }

    @Test func backoffDoublesUpToItsMaximum() {
        let base = ConfigDuration.seconds(30), maximum = ConfigDuration.minutes(10)
        let delays = (1...7).map { AgentReviver.backoff(restart: $0, base: base, maximum: maximum) }
        #expect(delays == [30, 60, 120, 240, 480, 600, 600])
        #expect(AgentReviver.backoff(restart: 0, base: base, maximum: maximum) == 30)
        #expect(AgentReviver.backoff(restart: 100, base: .seconds(1), maximum: .seconds(2)) == 2)
    }

    @Test func tmuxCommandsStayOnTheTownSocketAndTargetExactly() {
        let tmux = Tmux(socket: "gw-abc")
        let start = tmux.newSession("mayor", directory: URL(fileURLWithPath: "/t/mayor"), environment: ["B": "2", "A": "1"],
                                   clientEnvironment: ["PATH": "/bin"], argv: ["claude", "--x"])
        #expect(start.environment == ["PATH": "/bin"] && !start.inheritsEnvironment)
        #expect(start.argv.suffix(from: 1) == ["-L", "gw-abc", "new-session", "-d", "-s", "mayor", "-c", "/t/mayor", "-x", "200", "-y", "50",
                                              "-e", "A=1", "-e", "B=2", "--", "claude", "--x"])
        #expect(tmux.sendKeys("mayor", ["Enter"]).argv.suffix(3) == ["-t", "=mayor:", "Enter"])
        #expect(tmux.killSession("mayor").argv.suffix(2) == ["-t", "=mayor"])
        let hook = tmux.setPaneDiedHook("mayor", shellCommand: "gw agent-died mayor")
        #expect(hook.argv.suffix(4) == ["-t", "=mayor:", "pane-died", "run-shell -b 'gw agent-died mayor'"])
        #expect(Tmux.quoteForTmux("it's") == #"'it'\''s'"#)
    }

    @Test func tmuxSocketPathFollowsTmuxTmpdir() {
        let tmux = Tmux(socket: "gw-abc")
        #expect(tmux.socketPath(variables: ["TMUX_TMPDIR": "/x"]).path == "/x/tmux-\(getuid())/gw-abc")
        #expect(tmux.socketPath(variables: [:]).path == "/tmp/tmux-\(getuid())/gw-abc")
    }

    @Test func shellQuotingLeavesPlainWordsAlone() {
        #expect(ShellQuote.line(["gw", "agent-event", "Stop"]) == "gw agent-event Stop")
        #expect(ShellQuote.line(["/a b/gw", "it's"]) == #"'/a b/gw' 'it'\''s'"#)
    }
}

/// The text rules and the paste's shape, without tmux.
struct TurnTextTests {
    @Test func theControlRuleRemovesEveryControlButTabAndNewline() {
        #expect(TurnText.clean("a\u{0}b\u{1B}[201~c\u{7F}d\u{85}e\u{9F}f\tg\nh") == "ab[201~cdef\tg\nh")
        #expect(TurnText.clean("one\r\ntwo\rthree\n\rfour") == "one\ntwo\nthree\n\nfour")
        let plain = "中文 😀 e\u{301} שלום"
        #expect(TurnText.clean(plain) == plain)
        for value in UInt32(0)...0x9F {
            let scalar = Unicode.Scalar(value)!
            let kept = TurnText.clean("x\(scalar)y")
            switch value {
            case 0x09, 0x0A: #expect(kept == "x\(scalar)y")
            case 0x0D: #expect(kept == "x\ny")
            case 0..<0x20, 0x7F...0x9F: #expect(kept == "xy", "U+\(String(value, radix: 16))")
            default: #expect(kept == "x\(scalar)y")
            }
        }
    }

    @Test func preparedTextIsNeverACommandAndNeverEmpty() throws {
        #expect(try TurnText.prepare("/compact") == TurnText.literalLabel + "\n/compact")
        #expect(try TurnText.prepare("  !ls") == TurnText.literalLabel + "\n  !ls")
        #expect(try TurnText.prepare("\n@file") == TurnText.literalLabel + "\n\n@file")
        #expect(try TurnText.prepare("a /path") == "a /path")
        #expect(throws: GatewayError.self) { try TurnText.prepare("") }
        #expect(throws: GatewayError.self) { try TurnText.prepare(" \u{0}\u{1B}\n\t") }
        #expect(throws: GatewayError.self) { try TurnText.prepare(String(repeating: "x", count: TurnText.maximumBytes + 1)) }
    }

    /// What tmux makes of one call's arguments: the separator rule (`;` and `\;` at an argument's end).
    static func tmuxReads(_ argument: String) -> (text: String, separates: Bool) {
        guard argument.hasSuffix(";") else { return (argument, false) }
        let cut = String(argument.dropLast())
        if cut.hasSuffix("\\") { return (String(cut.dropLast()) + ";", false) }
        return (cut, true)
    }

    @Test func pasteCallsFitTmuxAndCarryEveryByteInOrder() {
        let tmux = Tmux(socket: "gw-abc")
        let samples = [
            (1...300).map { "line \($0); ;\\; 中文 #{pane_id} #(x)" }.joined(separator: "\n"),
            String(repeating: "长", count: 2_800_000 / 3),
            "e" + String(repeating: "\u{301}", count: 5000) + ";",
            ";", "\n\n;\n", "\\;",
        ]
        for text in samples {
            let calls = tmux.pasteCommands(text, session: "mayor", buffer: "b")
            var pasted = ""
            for call in calls {
                let arguments = Array(call.argv.dropFirst(3))
                #expect(arguments.reduce(0) { $0 + $1.utf8.count + 1 } <= 16_000)
                var index = 0
                while index < arguments.count {
                    #expect(Array(arguments[index..<index + 4]) == ["set-buffer", "-b", "b", "--"])
                    let piece = Self.tmuxReads(arguments[index + 4])
                    #expect(!piece.separates && Self.tmuxReads(arguments[index + 5]).separates)
                    pasted += piece.text
                    #expect(arguments[(index + 6)..<(index + 13)] == ["paste-buffer", "-p", "-d", "-b", "b", "-t", "=mayor:"])
                    index += 13
                    if index < arguments.count { #expect(arguments[index] == ";"); index += 1 }
                }
            }
            #expect(pasted == text)
        }
    }
}

struct DialogRegionTests {
    let profile = AgentProfile.builtIns["claude"]!

    @Test func aQuotedDialogAboveTheInputBoxIsNoDialog() {
        let rule = String(repeating: "─", count: 40)
        let screen = ["● The screen said: Do you want to proceed?", "  ❯ 1. Yes", "  Yes, I trust this folder · Quick safety check",
                      rule, "❯\u{00A0}", rule, "  ⏵⏵ accept edits on (shift+tab to cycle)"].joined(separator: "\n")
        #expect(AgentScreen(text: screen, profile: profile).dialog == nil)
        #expect(AgentScreen(text: screen, profile: profile).readyForInput)
    }

    @Test func aLiveDialogUnderTheLastRuleIsFound() {
        let rule = String(repeating: "─", count: 40)
        let permission = ["● earlier reply", rule, " Bash command", " rm x", " Do you want to proceed?", " ❯ 1. Yes", "   4. No"].joined(separator: "\n")
        #expect(AgentScreen(text: permission, profile: profile).dialog == .permission)
        let trust = [rule, " Accessing workspace:", " Quick safety check: Is this a project you created or one you trust?",
                     " ❯ 1. No, exit", "   Yes, I trust this folder", "", ""].joined(separator: "\n")
        #expect(AgentScreen(text: trust, profile: profile).dialog == .trustFolder)
        #expect(AgentScreen(text: "Select login method:\n1. Claude account", profile: profile).dialog == .login)
    }
}

/// Claude Code 2.1.332 removes invisible characters from a pasted prompt and then holds it for review
/// instead of submitting it: the rule removes them first, keeping those that hold an emoji together.
struct InvisibleCharacterTests {
    @Test func invisibleCharactersGoAndEmojiStayWhole() {
        #expect(PlainText.clean("a\u{200B}b\u{FEFF}c\u{00AD}d\u{2060}e\u{202E}f\u{2066}g\u{3164}h\u{E0001}i") == "abcdefghi")
        #expect(PlainText.clean("<\u{200D}>:\u{FE0F}<\u{034F}>") == "<>:<>")
        #expect(PlainText.clean("one\u{2028}two\u{2029}three") == "one\ntwo\nthree")
        let emoji = "👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 👍🏽 🧑🏽‍💻 e\u{301} Z\u{351}\u{36B} 中文 שלום مرحبا"
        #expect(PlainText.clean(emoji) == emoji)
    }
}
