import Foundation
import Testing
@testable import GatewayKit

/// Hook payload parsing, restart backoff and the tmux command lines the Mayor runs.
@Suite struct MayorUnitTests {
    @Test func hookEventReadsKnownFieldsAndKeepsUnknownOnes() {
        let json = #"{"session_id":"s","prompt_id":"p","transcript_path":"/t.jsonl","cwd":"/c","prompt":"hi\nthere","hook_event_name":"UserPromptSubmit","future_field":{"x":[1,2]},"effort":{"level":"medium"}}"#
        let event = HookEvent(name: "UserPromptSubmit", json: json)
        #expect(event.sessionId == "s" && event.promptId == "p" && event.transcriptPath == "/t.jsonl" && event.cwd == "/c")
        #expect(event.prompt == "hi\nthere")
        #expect(event.raw == json)
    }

    @Test func hookEventWithoutNewerFieldsHasNils() {
        let event = HookEvent(name: "Stop", json: #"{"session_id":"s","transcript_path":"/t","stop_hook_active":false}"#)
        #expect(event.promptId == nil && event.lastAssistantMessage == nil && event.sessionId == "s")
    }

    @Test func hookEventJoinsErrorAndDetails() {
        let event = HookEvent(name: "StopFailure", json: #"{"error":"rate_limit","error_details":{"status":429}}"#)
        #expect(event.error == #"rate_limit: {"status":429}"#)
        let plain = HookEvent(name: "StopFailure", json: #"{"error":"unknown","last_assistant_message":"API Error: 400 bad"}"#)
        #expect(plain.error == "unknown" && plain.lastAssistantMessage == "API Error: 400 bad")
    }

    @Test func hookEventThatIsNotJSONKeepsTheRawText() {
        let event = HookEvent(name: "Stop", json: "not json")
        #expect(event.raw == "not json" && event.sessionId == nil)
        #expect(HookEvent(name: "Stop", json: "[1]").sessionId == nil)
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
        #expect(tmux.pasteBuffer("b1", session: "mayor").argv.suffix(2) == ["-t", "=mayor:"])
        #expect(tmux.pasteBuffer("b1", session: "mayor").argv.contains("-p"))
        let load = tmux.loadBuffer("b1", text: "多行\ntext")
        #expect(load.argv.suffix(4) == ["load-buffer", "-b", "b1", "-"])
        #expect(load.standardInput == Data("多行\ntext".utf8))
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
