import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

/// gw-agent-sim's scripted misbehaviour (rules from the shared rules format): busy turns, queued input,
/// the swallowed first Enter, crashes, hangs, StopFailure and permission prompts.
@Suite struct AgentSimRulesTests {
    @Test func busyTurnShowsEscToInterruptKeepsThePromptLineAndQueuesTypedInput() async throws {
        // The slow answer is held until the gate exists: the turn is busy for as long as the test types.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: gate) }
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "slow"
            hold_until = "\(gate.path)"
            delay = "1s"
            reply = "finally"
            """)
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("a slow one")
        let busy = try await tmux.waitForScreen("the spinner") { $0.contains("esc to interrupt") }
        #expect(busy.contains("❯\u{00A0}"), "the input line stays visible while busy")
        // Entered while busy, as Claude Code 2.1.332 does it: UserPromptSubmit at once with the running
        // turn's prompt_id; the prompts wait and then go out together as ONE next turn with a new id.
        try await tmux.type("first queued")
        try await tmux.sendKeys("Enter")
        try await tmux.type("second queued")
        try await tmux.sendKeys("Enter")
        let submits = try await sim.waitForHook("UserPromptSubmit", count: 3)
        // The hook fires before the screen is drawn again: wait for the drawing, not just the hook.
        let queued = try await tmux.waitForScreen("both prompts queued") { $0.contains("❯\u{00A0}Press up to edit queued messages") }
        #expect(queued.contains("❯ first queued") && queued.contains("❯ second queued") && queued.contains("Queued ·"))
        #expect(submits.map { $0["prompt"] as? String } == ["a slow one", "first queued", "second queued"])
        #expect(Set(submits.compactMap { $0["prompt_id"] as? String }).count == 1)
        #expect(try sim.hookEvents("Stop").isEmpty)
        try Data().write(to: gate)
        let stops = try await sim.waitForHook("Stop", count: 2)
        #expect(stops[0]["last_assistant_message"] as? String == "finally")
        #expect(stops[0]["prompt_id"] as? String == submits[0]["prompt_id"] as? String)
        #expect(stops[1]["last_assistant_message"] as? String == "ECHO: second queued")
        #expect(stops[1]["prompt_id"] as? String != submits[0]["prompt_id"] as? String)
        let idle = try await tmux.waitForScreen("the idle screen") { !$0.contains("esc to interrupt") && $0.contains("ECHO: second queued") }
        #expect(idle.contains("❯\u{00A0}") && !idle.contains("Queued"))
        #expect(try sim.hookEvents("UserPromptSubmit").count == 3)
        let users = try sim.transcriptRecords().filter { $0["type"] as? String == "user" }
        #expect(users.map { $0["promptSource"] as? String } == ["typed", "queued", "queued"])
        #expect(users[1]["promptId"] as? String == stops[1]["prompt_id"] as? String)
    }

    @Test func firstEnterIsIgnoredAndTheSecondSubmitsExactlyOnce() async throws {
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "knock"
            ignore_first_enter = true
            """)
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("knock knock")
        // Keys are read in order: once the marker typed after Enter shows, that Enter was handled.
        try await tmux.type("#")
        try await tmux.waitForScreen("the text still in the input line") { $0.contains("❯\u{00A0}knock knock#") }
        #expect(try sim.hookEvents("UserPromptSubmit").isEmpty)
        try await tmux.sendKeys("BSpace", "Enter")
        let stop = try await sim.waitForHook("Stop")[0]
        #expect(stop["last_assistant_message"] as? String == "ECHO: knock knock")
        try await tmux.waitForScreen("the cleared input line") { $0.contains("ECHO: knock knock") }
        #expect(try sim.hookEvents("UserPromptSubmit").count == 1)
    }

    @Test func crashRuleKillsTheAgentMidTurnWithoutStop() async throws {
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "boom"
            crash = true
            delay = "300ms"
            """)
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("boom now")
        #expect(try await tmux.waitForExit() == 70)
        #expect(try sim.hookEvents("UserPromptSubmit").count == 1)
        #expect(try sim.hookEvents("Stop").isEmpty && sim.hookEvents("StopFailure").isEmpty)
        let records = try sim.transcriptRecords()
        #expect(records.contains { $0["type"] as? String == "user" })
        #expect(!records.contains { $0["type"] as? String == "assistant" })
    }

    @Test func stopFailureRuleReportsTheApiError() async throws {
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "overload"
            status = 529
            error_message = "Overloaded"

            [[rule]]
            match = "limit"
            stop_failure = "rate_limit"

            [[rule]]
            match = "bad"
            status = 400
            error_message = "bad request here"
            """)
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("please overload")
        let failure = try await sim.waitForHook("StopFailure")[0]
        #expect(failure["error"] as? String == "server_error")
        #expect(failure["last_assistant_message"] as? String == "API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment.")
        #expect(failure["error_details"] != nil)
        #expect(failure["prompt_id"] as? String == (try sim.hookEvents("UserPromptSubmit"))[0]["prompt_id"] as? String)
        let screen = try await tmux.waitForScreen("the error on screen") { $0.contains("● API Error: 529 Overloaded") && !$0.contains("esc to interrupt") }
        #expect(screen.contains("❯\u{00A0}Resend your message to try again"), "the input line shows a placeholder nobody typed")
        try await sim.send("rate limit me")
        let failures = try await sim.waitForHook("StopFailure", count: 2)
        #expect(failures[1]["error"] as? String == "rate_limit")
        #expect((failures[1]["last_assistant_message"] as? String ?? "").hasPrefix("API Error: Request rejected (429) · "))
        // As Claude Code 2.1.332 reported an HTTP 400: `unknown`, no error_details, no permission_mode.
        try await sim.send("a bad request")
        let unknown = try await sim.waitForHook("StopFailure", count: 3)[2]
        #expect(unknown["error"] as? String == "unknown")
        #expect(unknown["last_assistant_message"] as? String == "API Error: 400 bad request here")
        #expect(unknown["error_details"] == nil && unknown["permission_mode"] == nil)
        #expect(try sim.hookEvents("Stop").isEmpty)
        let apiErrors = try sim.transcriptRecords().filter { $0["isApiErrorMessage"] as? Bool == true }
        #expect(apiErrors.count == 3)
    }

    @Test func permissionPromptFiresTheHookAndWaitsForAnAnswer() async throws {
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "clean"
            permission_prompt = { tool = "Bash", input = { command = "rm -rf build" } }
            reply = "cleaned"
            """)
        let tmux = try await sim.start(["--permission-mode", "default"])
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("clean up")
        let request = try await sim.waitForHook("PermissionRequest")[0]
        #expect(request["tool_name"] as? String == "Bash")
        #expect((request["tool_input"] as? [String: Any])?["command"] as? String == "rm -rf build")
        #expect(request["permission_mode"] as? String == "default")
        let dialog = try await tmux.waitForScreen("the permission dialog") { $0.contains("Do you want to proceed?") }
        #expect(dialog.contains(" Bash command") && dialog.contains(" rm -rf build") && dialog.contains("❯ 1. Yes") && dialog.contains("4. No"))
        #expect(try sim.hookEvents("Stop").isEmpty, "no Stop while a permission prompt waits")
        try await tmux.type("1")
        let stop = try await sim.waitForHook("Stop")[0]
        #expect(stop["last_assistant_message"] as? String == "cleaned")
        // Refused with Esc: the turn is interrupted and no Stop fires.
        try await sim.send("clean again")
        try await sim.waitForHook("PermissionRequest", count: 2)
        try await tmux.waitForScreen("the second dialog") { $0.contains("Do you want to proceed?") }
        try await tmux.sendKeys("Escape")
        try await tmux.waitForScreen("the interruption") { $0.contains("Interrupted · What should Claude do instead?") && $0.contains("❯\u{00A0}") }
        #expect(try sim.hookEvents("Stop").count == 1)
    }

    @Test func hangingTurnStaysBusyUntilEscapeAndFiresNoStop() async throws {
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "forever"
            hang = true
            """)
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("run forever")
        try await tmux.waitForScreen("the spinner") { $0.contains("esc to interrupt") }
        try await tmux.type("after the hang")
        try await tmux.sendKeys("Enter")
        try await sim.waitForHook("UserPromptSubmit", count: 2)
        try await tmux.sendKeys("Escape")
        // The hanging turn ends without Stop; the queued prompt still goes out as the next turn.
        let stops = try await sim.waitForHook("Stop")
        #expect(stops.count == 1 && stops[0]["last_assistant_message"] as? String == "ECHO: after the hang")
        let screen = try await tmux.waitForScreen("the interruption") { $0.contains("Interrupted") && !$0.contains("esc to interrupt") }
        #expect(screen.contains("ECHO: after the hang"))
    }

    @Test func compactFiresPreCompactThenSessionStartCompact() async throws {
        let sim = try AgentSimHarness()
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await tmux.type("/compact keep the facts")
        try await tmux.sendKeys("Enter")
        let starts = try await sim.waitForHook("SessionStart", count: 2)
        let preCompact = try sim.hookEvents("PreCompact")
        #expect(preCompact.count == 1)
        #expect(preCompact.first?["trigger"] as? String == "manual")
        #expect(preCompact.first?["custom_instructions"] as? String == "keep the facts")
        #expect(starts[1]["source"] as? String == "compact" && starts[1]["session_id"] as? String == sim.sessionID)
        #expect(try sim.hookEvents("UserPromptSubmit").isEmpty, "a slash command is not a prompt")
    }

    @Test func badRulesFileIsRefusedWithItsLine() async throws {
        let directory = TemporaryDirectory()
        let rules = directory.path("rules.toml")
        try "[[rule]]\nmatch = \"x\"\nnot_a_key = 1\n".write(to: rules, atomically: true, encoding: .utf8)
        let result = try await runProduct("gw-agent-sim", ["--rules", rules.path], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("rules.toml:1") && result.stderr.contains("not_a_key"))
    }
}
