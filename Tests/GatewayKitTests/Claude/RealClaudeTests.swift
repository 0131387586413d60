import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The real Claude Code against gw-model-sim. Serialised: each scenario starts a 400 MB binary, and
/// the machine has 2 cores.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun(), "needs GW_CLAUDE_BIN (scripts/test sets it)"))
struct RealClaudeTests {
    static let timeout: TimeInterval = 90

    @Test func headlessPromptIsEchoedExactly() async throws {
        let sandbox = try await ClaudeSandbox()
        let result = try await sandbox.runHeadless("hello 世界")
        #expect(result["result"] as? String == "ECHO: hello 世界")
        #expect(result["is_error"] as? Bool == false)
        #expect(result["session_id"] is String)
        let requests = try sandbox.sim.requests().filter { $0["path"] as? String == "/v1/messages" }
        #expect(requests.contains { $0["last_user_text"] as? String == "hello 世界" && $0["rule"] is NSNull })
    }

    @Test func toolCallsReallyRunAndTheResultsContinueTheRule() async throws {
        let sandbox = try await ClaudeSandbox(rules: """
            [[rule]]
            name = "write-and-commit"
            match = "write the notes"
            [[rule.step]]
            reply = "Writing the notes."
            tools = [{ name = "Write", input = { file_path = "{{PROJECT}}/notes/hello.txt", content = "line 1\\n世界\\n" } }]
            [[rule.step]]
            tools = [{ name = "Bash", input = { command = "git add notes && git commit -qm 'notes from the model'" } }]
            [[rule.step]]
            reply = "Committed."
            """)
        let result = try await sandbox.runHeadless("please write the notes", ["--permission-mode", "acceptEdits", "--allowedTools", "Bash"])
        #expect(result["result"] as? String == "Committed.")
        let written = sandbox.project.appendingPathComponent("notes/hello.txt")
        #expect(try FileSystem.readText(written) == "line 1\n世界\n")
        #expect(try await shell("git log -1 --format=%s", in: sandbox.project) == "notes from the model\n")
        let requests = try sandbox.sim.requests().filter { $0["rule"] as? String == "write-and-commit" }
        #expect(requests.map { $0["step"] as? Int } == [0, 1, 2])
        #expect(requests.map { $0["tool_result"] as? Bool } == [false, true, true])
        #expect(requests.map { $0["continuation"] as? Bool } == [false, true, true])
        #expect(requests.allSatisfy { $0["last_user_text"] as? String == "please write the notes" })
    }

    @Test func interactivePastedPromptFiresHooksByteForByte() async throws {
        let sandbox = try await ClaudeSandbox()
        let sessionID = UUID()
        let tmux = try await ClaudeTmuxSession(sandbox, sessionID: sessionID)
        defer { tmux.kill() }
        try await waitForReady(sandbox, tmux)
        let start = try #require(try sandbox.events(named: "SessionStart").first)
        #expect(start["session_id"] as? String == sessionID.uuidString.lowercased())
        #expect(start["source"] as? String == "startup")
        #expect((start["transcript_path"] as? String)?.hasSuffix("\(sessionID.uuidString.lowercased()).jsonl") == true)

        let prompt = "第一行：你好，世界\n第二行 “引号” and ASCII\n第三行 — 结束 ✓"
        try await tmux.submit(prompt, via: sandbox.directory.url)
        try await waitUntil(timeout: Self.timeout, "the Stop hook") { try !sandbox.events(named: "Stop").isEmpty }
        let events = try sandbox.hookEvents()
        #expect(events.map { $0["hook_event_name"] as? String } == ["SessionStart", "UserPromptSubmit", "Stop"])
        let submit = events[1]
        let stop = events[2]
        #expect(submit["prompt"] as? String == prompt)
        #expect(stop["last_assistant_message"] as? String == "ECHO: " + prompt)
        #expect(submit["prompt_id"] as? String != nil)
        #expect(stop["prompt_id"] as? String == submit["prompt_id"] as? String)
        #expect(stop["stop_hook_active"] as? Bool == false)
        let requests = try sandbox.sim.requests().filter { $0["path"] as? String == "/v1/messages" }
        #expect(requests.map { $0["last_user_text"] as? String } == [prompt], "one prompt, one request, no side requests")
    }

    @Test func aModelErrorFiresStopFailureAndNoStop() async throws {
        let sandbox = try await ClaudeSandbox(rules: """
            [[rule]]
            name = "refuse"
            match = "please fail"
            status = 400
            error_message = "scripted bad request"
            """)
        let tmux = try await ClaudeTmuxSession(sandbox, sessionID: UUID())
        defer { tmux.kill() }
        try await waitForReady(sandbox, tmux)
        try await tmux.submit("please fail", via: sandbox.directory.url)
        try await waitUntil(timeout: Self.timeout, "the StopFailure hook") { try !sandbox.events(named: "StopFailure").isEmpty }
        // A second prompt that succeeds: its Stop proves that hooks still fire in order, so the
        // absence of a Stop for the failed prompt is a fact and not a matter of waiting longer.
        try await waitForIdle(tmux)
        try await tmux.submit("and now succeed", via: sandbox.directory.url)
        try await waitUntil(timeout: Self.timeout, "the Stop hook of the second prompt") { try !sandbox.events(named: "Stop").isEmpty }
        let events = try sandbox.hookEvents()
        #expect(events.map { $0["hook_event_name"] as? String } == ["SessionStart", "UserPromptSubmit", "StopFailure", "UserPromptSubmit", "Stop"])
        let failure = events[2]
        #expect(failure["prompt_id"] as? String == events[1]["prompt_id"] as? String)
        #expect((failure["last_assistant_message"] as? String)?.contains("400") == true)
        #expect((failure["last_assistant_message"] as? String)?.contains("scripted bad request") == true)
        #expect(failure["error"] is String)
        #expect(events[4]["last_assistant_message"] as? String == "ECHO: and now succeed")
        #expect(try sandbox.sim.requests().contains { $0["rule"] as? String == "refuse" && $0["status"] as? Int == 400 })
    }

    @Test func aSlowAnswerKeepsClaudeBusyAndAnOverloadWithoutRetryFailsAtOnce() async throws {
        // The slow answer is held until the gate exists: Claude stays busy until the test has seen it.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: gate) }
        let sandbox = try await ClaudeSandbox(rules: """
            [[rule]]
            name = "slow"
            match = "take your time"
            reply = "Took my time."
            hold_until = "\(gate.path)"
            delay = "1s"

            [[rule]]
            name = "overloaded"
            match = "overload"
            status = 529
            should_retry = false
            """)
        let tmux = try await ClaudeTmuxSession(sandbox, sessionID: UUID())
        defer { tmux.kill() }
        try await waitForReady(sandbox, tmux)
        try await tmux.submit("take your time", via: sandbox.directory.url)
        try await waitUntil(timeout: Self.timeout, "the busy line while the answer streams") {
            try await tmux.screen().contains("esc to interrupt")
        }
        #expect(try sandbox.events(named: "Stop").isEmpty, "busy means the turn has not ended")
        try Data().write(to: gate)
        try await waitUntil(timeout: Self.timeout, "the Stop hook") { try !sandbox.events(named: "Stop").isEmpty }
        #expect(try sandbox.events(named: "Stop").first?["last_assistant_message"] as? String == "Took my time.")
        try await waitForIdle(tmux)
        try await tmux.submit("overload now", via: sandbox.directory.url)
        try await waitUntil(timeout: Self.timeout, "the StopFailure hook") { try !sandbox.events(named: "StopFailure").isEmpty }
        let failure = try #require(try sandbox.events(named: "StopFailure").first)
        #expect(failure["error"] as? String == "server_error")
        #expect((failure["last_assistant_message"] as? String)?.hasPrefix("API Error: 529") == true)
        #expect(try sandbox.sim.requests().filter { $0["rule"] as? String == "overloaded" }.count == 1, "x-should-retry: false stops the retries")
    }

    /// SessionStart has fired and the input line is on screen, so a paste lands in it.
    func waitForReady(_ sandbox: ClaudeSandbox, _ tmux: ClaudeTmuxSession) async throws {
        try await waitUntil(timeout: Self.timeout, "the SessionStart hook") { try !sandbox.events(named: "SessionStart").isEmpty }
        try await waitForIdle(tmux)
    }

    /// The input line is shown and no turn is running.
    func waitForIdle(_ tmux: ClaudeTmuxSession) async throws {
        try await waitUntil(timeout: Self.timeout, "Claude's idle input line") {
            let screen = try await tmux.screen()
            return screen.contains("\u{276F}") && !screen.contains("esc to interrupt")
        }
    }
}
