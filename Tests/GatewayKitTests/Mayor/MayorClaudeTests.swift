import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
import GatewayTestSupport

/// The Mayor driven through `gw` against the real Claude Code (GW_CLAUDE_BIN) and a gw-model-sim the
/// town starts. Skipped, with the reason printed, when GW_CLAUDE_BIN is absent outside CI; under CI
/// (CI=true) it runs and fails without it.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct MayorClaudeTests {
    /// The slow answer is held until the test creates `gate`: the turn runs for as long as the test's
    /// next gw commands take, however slowly a loaded machine runs them.
    static func rules(gate: URL) -> String {
        """
        [[rule]]
        match = "think slowly"
        reply = "Thought slowly."
        hold_until = "\(gate.path)"
        delay = "1s"

        [[rule]]
        match = "bad request please"
        status = 400
        error_message = "scripted bad request"

        [[rule]]
        match = "overload please"
        status = 529
        should_retry = false
        error_message = "scripted overload"

        [[rule]]
        match = "what was the word"
        reply = "The word was lighthouse."
        """
    }

    /// This test's gate for the slow answer (each test runs on an instance of its own); no file yet.
    let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")

    func town(mayor: [String] = [], approveKey: Bool = true) async throws -> TestTown {
        try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules(gate: gate), approveKey: approveKey), config: TestTown.quickMayor,
                           (["[mayor]"] + mayor).joined(separator: "\n"))
    }

    /// Gateway trusts its own Mayor folder before the start: no dialog, and Claude's file says so.
    @Test func roundTripWithAFolderGatewayTrusted() async throws {
        let town = try await town()
        defer { town.close() }
        let prompt = "hello 世界\nsecond line"
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", prompt]) == "ECHO: \(prompt)\n")
        let account = try String(contentsOf: town.configDirectory.appendingPathComponent(".claude.json"), encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(account.utf8)) as? [String: Any]
        let projects = object?["projects"] as? [String: Any]
        let mayor = projects?[town.town.mayorDirectory.path] as? [String: Any]
        #expect(mayor?["hasTrustDialogAccepted"] as? Bool == true)
        #expect(object?["hasCompletedOnboarding"] as? Bool == true)
        let names = try await town.events().map(\.event)
        #expect(Array(names.prefix(3)) == ["SessionStart", "UserPromptSubmit", "Stop"])
    }

    @Test func aLongChinesePromptArrivesByteExact() async throws {
        let town = try await town()
        defer { town.close() }
        let line = "第一行：网关把这段文字原样交给市长，一个字节也不能少。The gateway keeps every byte — 空格、标点、emoji 🚦。"
        let prompt = (1...30).map { "\($0). \(line)" }.joined(separator: "\n")
        #expect(prompt.utf8.count > 3000)
        // Pasted a line at a time, the prompt is never collapsed into <pasted_content>: the model gets
        // exactly the text, and so does the echo.
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", prompt])
        #expect(reply == "ECHO: \(prompt)\n")
        let turn = try #require(try await town.turns().last)
        #expect(turn.state == .done && turn.enterPresses == 1)
        let submit = try #require(try await town.events().first { $0.event == "UserPromptSubmit" })
        let submitted = try #require(HookEvent(name: .userPromptSubmit, json: submit.payload).prompt)
        #expect(submitted == prompt)
        let model = try #require(town.model)
        let asked = try model.requests().compactMap { $0["last_user_text"] as? String }
        #expect(asked.contains(prompt))
    }

    /// Claude Code reads a backslash just before Enter as "a new line here", so a prompt ending in one
    /// would never be submitted: the paste ends with a space, which the submission trims.
    @Test(arguments: ["\\\\", "a path C:\\temp\\", "line one\\\nline two \\"])
    func aPromptEndingInABackslashIsSubmittedAsWritten(_ prompt: String) async throws {
        let town = try await town()
        defer { town.close() }
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", prompt])
        #expect(reply == "ECHO: \(prompt)\n")
        // What Claude Code submitted is the prompt, backslashes and all: an Enter taken as a new line
        // would have eaten the last backslash and submitted only at a second press. (A loaded machine
        // may need that second press for any prompt, so the count of presses proves nothing here.)
        let submit = try #require(try await town.events().first { $0.event == "UserPromptSubmit" })
        #expect(HookEvent(name: .userPromptSubmit, json: submit.payload).prompt == prompt)
        #expect(try await town.events().filter { $0.event == "UserPromptSubmit" }.count == 1)
        #expect(try #require(town.model).requests().compactMap { $0["last_user_text"] as? String }.contains(prompt))
    }

    @Test func aSlowTurnDefersTheNextSendUntilItsStop() async throws {
        let town = try await town()
        defer { town.close(); try? FileManager.default.removeItem(at: gate) }
        try await town.gwOK(["mayor", "send", "--timeout", "90s", "think slowly"])
        #expect(try await town.gwOK(["mayor", "status"]).hasPrefix("Mayor: busy"))
        let second = try await town.gw(["mayor", "send", "--timeout", "1s", "second"])
        #expect(second.status == 0 && second.stderr.contains("queued but not sent yet"), "\(second.stderr)")
        #expect(try await town.turns().map(\.state) == [.submitted, .queued])
        // The slow answer may come now.
        try Data().write(to: gate)
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "third"]) == "ECHO: third\n")
        #expect(try await town.turns().map { $0.reply ?? "" } == ["Thought slowly.", "ECHO: second", "ECHO: third"])
    }

    @Test func halfTypedTextIsNotClobbered() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        try await town.tmuxOK(["send-keys", "-t", "=mayor:", "-l", "half typed by a person"])
        try await town.wait("the typed text on screen") { await town.screen().contains("half typed by a person") ? true : nil }
        let send = try await town.gw(["mayor", "send", "--timeout", "2s", "from gateway"])
        #expect(send.stderr.contains("someone is typing in its input line"), "\(send.stderr)")
        #expect(await town.screen().contains("half typed by a person"))
        #expect(try await town.turns().map(\.state) == [.queued])
    }

    @Test(arguments: [("bad request please", "API Error: 400 scripted bad request"), ("overload please", "API Error: 529 scripted overload")])
    func aModelErrorFailsTheTurn(prompt: String, error: String) async throws {
        let town = try await town()
        defer { town.close() }
        let result = try await town.gw(["mayor", "send", "--wait", "--timeout", "90s", prompt])
        #expect(result.status != 0 && result.stderr.contains(error), "\(result.stderr)")
        #expect(try await town.events().contains { $0.event == "StopFailure" })
        #expect(try await town.turns().last?.state == .failed)
        // After a 529 the input line shows a placeholder; the next prompt must still go out.
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "next"]) == "ECHO: next\n")
    }

    /// Killed mid-turn: the turn fails, the pane-died hook restarts Claude with --resume (the model sees
    /// the earlier turns again), and after crash_loop_restarts restarts it gives up.
    @Test func aKilledMayorResumesItsConversationThenStopsAtACrashLoop() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "remember the word lighthouse"])
        let session = try #require(try await town.agent()?.sessionId)
        try await town.gwOK(["mayor", "send", "--timeout", "90s", "think slowly"])
        kill(try await town.panePID(), SIGKILL)
        // `gw mayor status` looks at the pane, as a person or the daemon would.
        let failed = try await town.wait("the killed turn to fail") { () -> Turn? in
            try await town.status().lastTurn.flatMap { $0.state == .failed ? $0 : nil }
        }
        #expect(failed.error == "the agent died during the turn")
        try await town.waitForRestart(1)
        #expect(try await town.agent()?.sessionId == session)
        let model = try #require(town.model)
        let before = try model.requests().count
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "what was the word?"]) == "The word was lighthouse.\n")
        let resumed = try #require(try model.requests().dropFirst(before).last { ($0["rule"] as? String) != nil })
        // The request after the restart carries the conversation: at least the three earlier prompts.
        #expect((resumed["messages"] as? Int ?? 0) >= 5, "\(resumed)")
        for restart in 2...3 {
            kill(try await town.panePID(), SIGKILL)
            if restart == 2 {
                try await town.waitForRestart(2)
            }
        }
        try await town.wait("the crash loop") { try await town.status().state == "crash_loop" ? true : nil }
        #expect(try await town.gwOK(["mayor", "status"]).hasPrefix("Mayor: crash loop"))
        // The handler that declared the loop has exited without restarting it; no daemon runs, so
        // nothing else would.
        try await town.waitForDeathHandlersToExit()
        #expect(try await town.agent()?.restarts == 2)
        #expect(await AgentLifecycle(runtime: try town.runtime()).isRunning() == false)
        let refused = try await town.gw(["mayor", "send", "--timeout", "5s", "anyone?"])
        #expect(refused.status != 0 && refused.stderr.contains("crash loop"), "\(refused.stderr)")
    }

    @Test func stopThenStartResumesTheSameSession() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "remember the word lighthouse"])
        let session = try #require(try await town.agent()?.sessionId)
        try await town.gwOK(["mayor", "stop"])
        #expect(try await town.gwOK(["mayor", "start"]).contains("resuming its conversation \(session)"))
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "what was the word?"]) == "The word was lighthouse.\n")
        #expect(try await town.agent()?.sessionId == session)
    }

    /// With the pre-trust prevented Claude asks; Gateway picks "Yes, I trust this folder", never a
    /// blind Enter (whose default is "No, exit").
    @Test func theTrustDialogIsAnsweredYes() async throws {
        let town = try await town()
        defer { town.close() }
        var lifecycle = AgentLifecycle(runtime: try town.runtime())
        lifecycle.preTrustsFolder = false
        #expect(try await lifecycle.start(timeout: 60) != .alreadyRunning)
        let starts = try await town.events().filter { $0.event == "SessionStart" }
        #expect(starts.count == 1)
        let account = try JSONSerialization.jsonObject(with: Data(contentsOf: town.configDirectory.appendingPathComponent(".claude.json"))) as? [String: Any]
        // Claude records the answer itself, under the folder or its git root (the town).
        let projects = account?["projects"] as? [String: Any] ?? [:]
        let trusted = [town.town.mayorDirectory.path, town.town.root.path].contains {
            (projects[$0] as? [String: Any])?["hasTrustDialogAccepted"] as? Bool == true
        }
        #expect(trusted, "\(projects)")
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "trusted"]) == "ECHO: trusted\n")
    }

    @Test func anUnapprovedAPIKeyIsReportedNotAnswered() async throws {
        let town = try await town(approveKey: false)
        defer { town.close() }
        let result = try await town.gw(["mayor", "start"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("API key confirmation") && result.stderr.contains("ANTHROPIC_API_KEY is set but not approved"), "\(result.stderr)")
        let account = try String(contentsOf: town.configDirectory.appendingPathComponent(".claude.json"), encoding: .utf8)
        #expect(!account.contains(String(town.apiKey.suffix(20))), "Gateway must not approve the key")
    }
}
