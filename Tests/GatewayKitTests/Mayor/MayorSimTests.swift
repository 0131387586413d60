import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
import GatewayTestSupport

/// The Mayor driven through `gw` against gw-agent-sim (profile `sim`): the scenarios that need a cue the
/// real Claude Code cannot give on demand (a swallowed Enter, a crash mid-turn, an older hook contract),
/// and the delivery rules, fast. Each test runs one town with its own tmux server.
@Suite(.serialized) struct MayorSimTests {
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
        match = "swallow"
        ignore_first_enter = true
        reply = "Swallowed once."

        [[rule]]
        match = "late hook"
        slow_submit_hook = "4s"
        reply = "Taken late."

        [[rule]]
        match = "slowly taken"
        ignore_first_enter = true
        slow_submit_hook = "4s"
        reply = "Taken slowly."

        [[rule]]
        match = "crash now"
        crash = true

        [[rule]]
        match = "limit me"
        stop_failure = "rate_limit"
        """
    }

    /// This test's gate for the slow answer (each test runs on an instance of its own); no file yet.
    let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")

    func town(oldVersion: Bool = false, mayor: [String] = []) async throws -> TestTown {
        try await TestTown(.sim(rules: Self.rules(gate: gate), oldVersion: oldVersion), config: TestTown.quickMayor, (["[mayor]"] + mayor).joined(separator: "\n"))
    }

    @Test func roundTripKeepsAMultiLinePromptWhole() async throws {
        let town = try await town()
        defer { town.close() }
        let prompt = "hello 世界\nsecond line"
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", prompt])
        #expect(reply == "ECHO: \(prompt)\n")
        let turn = try #require(try await town.turns().last)
        #expect(turn.state == .done && turn.enterPresses == 1 && turn.promptId != nil)
        let submits = try await town.events().filter { $0.event == "UserPromptSubmit" }
        #expect(submits.count == 1)
        #expect(HookEvent(name: "UserPromptSubmit", json: submits[0].payload).prompt == prompt)
    }

    /// On a loaded machine a freshly started Claude Code empties its input line at Enter and runs the
    /// UserPromptSubmit hook seconds later: the turn waits for it instead of failing (and orphaning the
    /// answer already on its way), and no second Enter goes.
    @Test func aPromptTakenWithALateHookIsWaitedForNotFailed() async throws {
        let town = try await town(mayor: ["submit_timeout = \"1s\""])
        defer { town.close() }
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "late hook please"])
        #expect(reply == "Taken late.\n")
        let turn = try #require(try await town.turns().last)
        #expect(turn.state == .done && turn.enterPresses == 1)
    }

    /// The prompt still shows after the first wait (the first Enter was swallowed), so Enter is pressed
    /// again; only then does the agent take it, and its hook comes seconds later, as a loaded machine's
    /// Claude Code did: the emptied line is read again and waited for.
    @Test func aPromptTakenOnlyAfterTheSecondPressIsWaitedForNotFailed() async throws {
        let town = try await town(mayor: ["submit_timeout = \"1s\""])
        defer { town.close() }
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "slowly taken please"])
        #expect(reply == "Taken slowly.\n")
        let turn = try #require(try await town.turns().last)
        #expect(turn.state == .done && turn.enterPresses == 2)
        #expect(try await town.events().filter { $0.event == "UserPromptSubmit" }.count == 1)
    }

    /// The double, like Claude Code, reads a backslash before Enter as a new line; Gateway's paste ends
    /// with a space, so the prompt is submitted as written.
    @Test func aPromptEndingInABackslashIsSubmittedOnce() async throws {
        let town = try await town()
        defer { town.close() }
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "C:\\temp\\"])
        #expect(reply == "ECHO: C:\\temp\\\n")
        #expect(try await town.turns().last?.enterPresses == 1)
    }

    @Test func aSwallowedEnterIsPressedOnceMoreAndSubmittedOnce() async throws {
        let town = try await town()
        defer { town.close() }
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "swallow this"])
        #expect(reply == "Swallowed once.\n")
        let turn = try #require(try await town.turns().last)
        #expect(turn.enterPresses == 2)
        #expect(try await town.events().filter { $0.event == "UserPromptSubmit" }.count == 1)
    }

    @Test func anOlderAgentsStopWithoutReplyIsReadFromTheTranscript() async throws {
        let town = try await town(oldVersion: true)
        defer { town.close() }
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "old hooks"])
        #expect(reply == "ECHO: old hooks\n")
        let stop = try #require(try await town.events().last { $0.event == "Stop" })
        let event = HookEvent(name: "Stop", json: stop.payload)
        #expect(event.lastAssistantMessage == nil && event.promptId == nil)
    }

    @Test func aSlowTurnMakesTheNextSendDeferAndItIsDeliveredAfterStop() async throws {
        let town = try await town()
        defer { town.close(); try? FileManager.default.removeItem(at: gate) }
        try await town.gwOK(["mayor", "send", "--timeout", "60s", "think slowly"])
        #expect(try await town.gwOK(["mayor", "status"]).hasPrefix("Mayor: busy"))
        let second = try await town.gw(["mayor", "send", "--timeout", "1s", "second"])
        #expect(second.status == 0)
        #expect(second.stderr.contains("queued but not sent yet") && second.stderr.contains("busy with turn 1"), "\(second.stderr)")
        let status = try await town.status()
        #expect(status.state == "deferred" && status.queuedTurns == 1 && status.deferredBecause == "busy with turn 1")
        // The slow answer may come now.
        try Data().write(to: gate)
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "third"])
        #expect(reply == "ECHO: third\n")
        let turns = try await town.turns()
        #expect(turns.map(\.state) == [.done, .done, .done])
        #expect(turns.map { $0.reply ?? "" } == ["Thought slowly.", "ECHO: second", "ECHO: third"])
    }

    @Test func halfTypedTextIsNeverClobbered() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        try await town.tmuxOK(["send-keys", "-t", "=mayor:", "-l", "half typed by a person"])
        try await town.wait("the typed text on screen") { await town.screen().contains("half typed by a person") ? true : nil }
        let send = try await town.gw(["mayor", "send", "--timeout", "2s", "from gateway"])
        #expect(send.status == 0)
        #expect(send.stderr.contains("someone is typing in its input line"), "\(send.stderr)")
        let screen = await town.screen()
        #expect(screen.contains("half typed by a person") && !screen.contains("from gateway"), "\(screen)")
        #expect(try await town.turns().map(\.state) == [.queued])
    }

    @Test func aStopFailureFailsTheTurnWithTheError() async throws {
        let town = try await town()
        defer { town.close() }
        let result = try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", "limit me"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("turn 1 failed: rate_limit"), "\(result.stderr)")
        #expect(try await town.turns().last?.state == .failed)
    }

    @Test func aCrashFailsTheTurnAndTheMayorComesBackInItsConversation() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "remember the word lighthouse"])
        let session = try #require(try await town.agent()?.sessionId)
        let crashed = try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", "crash now"])
        #expect(crashed.status != 0 && crashed.stderr.contains("the agent died during the turn"), "\(crashed.stderr)")
        try await town.waitForRestart(1)
        let record = try #require(try await town.agent())
        #expect(record.sessionId == session)
        #expect(record.note?.contains("resuming session \(session)") == true)
        // The double redraws the resumed conversation: the earlier turn is in its context again.
        try await town.wait("the resumed conversation on screen", timeout: 30) {
            await town.screen().contains("remember the word lighthouse") ? true : nil
        }
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "still there?"]) == "ECHO: still there?\n")
    }

    @Test func repeatedDeathsEndInACrashLoopWithNoMoreRestarts() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        for restart in 1...2 {
            kill(try await town.panePID(), SIGKILL)
            try await town.waitForRestart(restart)
        }
        kill(try await town.panePID(), SIGKILL)
        try await town.wait("the crash loop") { try await town.status().state == "crash_loop" ? true : nil }
        let status = try await town.status()
        #expect(status.state == "crash_loop" && status.restarts == 2)
        #expect(status.note?.contains("crashed 3 times") == true, "\(status.note ?? "")")
        // The handler that declared the loop has exited without restarting it; no daemon runs, so
        // nothing else would.
        try await town.waitForDeathHandlersToExit()
        #expect(try await town.agent()?.restarts == 2)
        #expect(await AgentLifecycle(runtime: try town.runtime()).isRunning() == false)
        // `gw mayor restart` is the way out.
        #expect(try await town.gwOK(["mayor", "restart"]).contains("Started the Mayor"))
        #expect(try await town.agent()?.state == .running)
    }

    @Test func stopThenStartResumesTheSameSession() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "first"])
        let session = try #require(try await town.agent()?.sessionId)
        #expect(try await town.gwOK(["mayor", "stop"]).contains("Stopped the Mayor"))
        #expect(try await town.gwOK(["mayor", "status"]).hasPrefix("Mayor: stopped"))
        #expect(try await town.gwOK(["mayor", "start"]).contains("resuming its conversation \(session)"))
        #expect(try await town.agent()?.sessionId == session)
        let start = try #require(try await town.events().last { $0.event == "SessionStart" })
        #expect(HookEvent(name: "SessionStart", json: start.payload).source == "resume")
    }

    @Test func statusJSONHasTheDocumentedShape() async throws {
        let town = try await town()
        defer { town.close() }
        let stopped = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["mayor", "status", "--json"]).utf8)) as? [String: Any]
        #expect(stopped?["state"] as? String == "stopped")
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "shape"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["mayor", "status", "--json"]).utf8)) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["state", "agent", "profile", "sessionId", "uptimeSeconds", "restarts", "queuedTurns", "lastTurn"]))
        #expect(object["state"] as? String == "idle" && object["agent"] as? String == "mayor" && object["profile"] as? String == "sim")
        let last = try #require(object["lastTurn"] as? [String: Any])
        #expect(last["state"] as? String == "done" && last["reply"] as? String == "ECHO: shape" && last["enterPresses"] as? Int == 1)
    }

    @Test func hookPayloadsWithUnknownFieldsAreRecorded() async throws {
        let town = try await town()
        defer { town.close() }
        let ledger = try town.ledger()
        let id = try await ledger.enqueueTurn(agent: "mayor", text: "extra", source: "test", at: Date())
        try await ledger.markTurnSent(id, at: Date())
        for (event, payload) in [
            ("UserPromptSubmit", #"{"prompt":"extra","prompt_id":"p1","session_id":"s","novel":{"nested":[1]},"hook_event_name":"UserPromptSubmit"}"#),
            ("Stop", #"{"prompt_id":"p1","last_assistant_message":"done","effort":{"level":"high"},"another_new_key":true}"#),
        ] {
            let result = try await runProduct("gw", ["agent-event", event, "--agent", "mayor", "--town", town.town.root.path], input: payload)
            #expect(result.succeeded, "\(result.stderr)")
        }
        let turn = try #require(try await ledger.turn(id))
        #expect(turn.state == .done && turn.reply == "done")
    }
}
