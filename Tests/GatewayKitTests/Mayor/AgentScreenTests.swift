import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayNotify
@testable import GatewayAgents
import GatewayTestSupport

/// AgentScreen on screens captured from the real Claude Code (ClaudeScreens), and TranscriptReader on
/// that session's transcript.
@Suite struct AgentScreenTests {
    let claude = AgentProfile.builtIns["claude"]!

    func read(_ text: String) -> AgentScreen { AgentScreen(text: text, profile: claude) }

    @Test func idleIsReady() {
        let screen = read(ClaudeScreens.idle)
        #expect(screen.inputVisible && !screen.busy && screen.inputText.isEmpty && screen.dialog == nil)
        #expect(screen.readyForInput)
        #expect(read(ClaudeScreens.idleAfterQueue).readyForInput)
    }

    @Test func typedTextIsSeenAndNotReady() {
        let screen = read(ClaudeScreens.typedText)
        #expect(screen.inputText == "half typed")
        #expect(!screen.readyForInput)
    }

    @Test func multiLineInputIsReadToTheClosingRule() {
        let screen = read(ClaudeScreens.multiLineInput)
        #expect(screen.inputText == "line one\nline two\nline three")
        #expect(TurnDelivery.inputHolds(screen.inputText, "line one\nline two\nline three"))
        #expect(!TurnDelivery.inputHolds(screen.inputText, "something else"))
    }

    /// A prompt that quotes the input marker, in a box scrolled to its end: the box's own first line is
    /// the input, and the window it shows is known to be part of the text, not its start.
    @Test func aScrolledBoxAndAQuotedMarkerAreReadAsTheBoxShowsThem() {
        let marker = AgentProfile.claudeIdlePattern
        let quoted = "\(marker)quoted in the text"
        var edited = ClaudeScreens.multiLineInput.components(separatedBy: "\n")
        let top = try! #require(edited.firstIndex { AgentScreen.isRule($0) })
        edited[top] = "─── ↑ 61 more " + String(repeating: "─", count: 40)
        edited[top + 2] = "  \(quoted)"
        let screen = read(edited.joined(separator: "\n"))
        #expect(screen.inputScrolled)
        #expect(screen.inputText == "line one\n\(quoted)\nline three")
        let typed = "the start, out of view\nline one\n\(quoted)\nline three"
        #expect(TurnDelivery.inputHolds(screen.inputText, typed, scrolled: true))
        #expect(!TurnDelivery.inputHolds(screen.inputText, "something else entirely", scrolled: true))
        #expect(!read(ClaudeScreens.multiLineInput).inputScrolled)
    }

    @Test func busyShowsWorkInProgressWithAnEmptyInputLine() {
        let screen = read(ClaudeScreens.busy)
        #expect(screen.busy && screen.inputVisible && screen.inputText.isEmpty)
        #expect(!screen.readyForInput)
    }

    /// Claude draws hints in an empty input line; capture-pane loses their dimming, so they must be
    /// read as an empty line, or Gateway would wait for a person who is not typing.
    @Test func placeholdersCountAsAnEmptyInputLine() {
        let resend = read(ClaudeScreens.resendPlaceholder)
        #expect(resend.inputText.isEmpty && resend.readyForInput)
        let queued = read(ClaudeScreens.queuedPlaceholder)
        #expect(queued.inputText.isEmpty && queued.busy)
        #expect(read("────\n❯\u{00A0}Try \"fix the tests\"\n────").inputText.isEmpty)
        #expect(read("────\n❯\u{00A0}Resend your message to try again please\n────").inputText == "Resend your message to try again please")
    }

    @Test func startupDialogsAreNamed() {
        let trust = read(ClaudeScreens.trustDialog)
        #expect(trust.dialog == .trustFolder && !trust.readyForInput)
        #expect(!trust.inputVisible, "the dialog's cursor is ❯ and a plain space, not the input line")
        #expect(read(ClaudeScreens.apiKeyDialog).dialog == .apiKey)
        #expect(read(ClaudeScreens.idle).dialog == nil)
    }

    @Test func theAPIKeyDialogErrorHidesTheKey() {
        let screen = ClaudeScreens.apiKeyDialog.replacingOccurrences(of: "xxxxxxxxxxxxxxxxxxxx", with: "SECRETSUFFIX12345678")
        let error = StartupDialog(dialog: .apiKey, screen: screen, agent: "mayor").error.message
        #expect(error.contains("ANTHROPIC_API_KEY is set but not approved"))
        #expect(!error.contains("SECRETSUFFIX12345678"))
    }

    @Test func screenProfilesUseTheirPatterns() {
        let codex = AgentProfile.builtIns["codex"]!
        #expect(AgentScreen(text: "  › \n", profile: codex).inputVisible)
        #expect(AgentScreen(text: "Working (Esc to interrupt)\n  › ", profile: codex).busy)
        #expect(!AgentScreen(text: "nothing here", profile: codex).inputVisible)
    }

    @Test func transcriptEntriesSkipNoiseAndKeepOrder() {
        let entries = TranscriptReader.entries(ClaudeScreens.transcript)
        #expect(entries.map(\.role) == [.user, .assistant, .user, .assistant, .user, .assistant])
        #expect(entries.map(\.text).prefix(4) == ["line one\nline two\nfirst\nthink slowly", "Thought slowly.", "queued one", "ECHO: queued one"])
        #expect(entries[0].promptId != nil && entries[1].messageId == "msg_gwsim_1")
        #expect(TranscriptReader.lastReply(ClaudeScreens.transcript)?.hasPrefix("API Error: 529 scripted overload.") == true)
    }

    @Test func transcriptReplyJoinsASplitMessageAndIgnoresToolNoise() {
        let lines = [
            #"{"type":"user","message":{"role":"user","content":"do it"},"promptId":"p"}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"thinking","thinking":"hm"}]}}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Part one."}]}}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","name":"Bash","input":{}}]}}"#,
            #"{"type":"user","message":{"content":[{"type":"tool_result","content":"ok"}]}}"#,
            #"{"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"Final a."}]}}"#,
            #"{"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"Final b."}]}}"#,
            #"{"type":"user","isMeta":true,"message":{"content":"<system-reminder>x</system-reminder>"}}"#,
            #"{"type":"assistant","isSidechain":true,"message":{"id":"m3","content":[{"type":"text","text":"side"}]}}"#,
            "not json",
        ]
        #expect(TranscriptReader.lastReply(lines.joined(separator: "\n")) == "Final a.\nFinal b.")
        #expect(TranscriptReader.lastReply(lines[0]) == nil)
        #expect(TranscriptReader.lastReply("") == nil)
    }

    @Test func transcriptPathFollowsClaudesFolderNaming() {
        let path = TranscriptReader.path(configDirectory: URL(fileURLWithPath: "/c"), cwd: "/tmp/my town/mayor", sessionId: "abc")
        #expect(path.path == "/c/projects/-tmp-my-town-mayor/abc.jsonl")
    }
}
