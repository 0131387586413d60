import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
@testable import GatewayWork
import GatewayTestSupport

/// One scenario — a round trip, a slow turn, a failing model turn — run against the real Claude Code and
/// against gw-agent-sim, comparing only what Gateway relies on: hook order, the payload keys Gateway
/// reads, turn states, reply text, what TranscriptReader extracts, and AgentScreen's idle/busy reading.
/// If the double drifts from the real CLI, this test names the difference.
@Suite(.serialized) struct MayorContractTests {
    /// The slow answer is held until the test creates `gate`, once it has seen the busy screen: the
    /// agent is busy for as long as the test looks, however slowly a loaded machine runs the test.
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
        """
    }

    /// The payload keys Gateway reads (HookEvent) for each event it acts on.
    static let readKeys = ["session_id", "prompt_id", "transcript_path", "cwd", "prompt", "last_assistant_message", "source", "error"]

    struct Observation: Equatable, CustomStringConvertible {
        var events: [String] = []
        var keys: [String: [String]] = [:]
        var states: [Turn.State] = []
        var replies: [String] = []
        var errorMentions400 = false
        var transcriptReply: String?
        var idleReady = false
        var busyWhileSlow = false
        var busyReady = true

        var description: String {
            "events \(events)\nkeys \(keys.sorted { $0.key < $1.key })\nstates \(states)\nreplies \(replies)\nerror400 \(errorMentions400) transcript \(transcriptReply ?? "nil") idleReady \(idleReady) busy \(busyWhileSlow) busyReady \(busyReady)"
        }
    }

    func observe(_ town: TestTown, gate: URL) async throws -> Observation {
        var seen = Observation()
        let runtime = try town.runtime()
        try await town.gwOK(["mayor", "start"])
        // SessionStart (which `start` waits for) may come before the input box is drawn.
        let idle = try? await town.wait("an idle screen", timeout: 15) { () -> AgentScreen? in
            let screen = AgentScreen(text: await town.screen(), profile: runtime.profile)
            return screen.readyForInput ? screen : nil
        }
        seen.idleReady = idle != nil
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "hello contract"])
        if let session = try await town.agent()?.sessionId {
            seen.transcriptReply = TranscriptReader.lastReply(at: runtime.transcriptPath(sessionId: session))
        }
        try await town.gwOK(["mayor", "send", "--timeout", "90s", "think slowly"])
        let busy = try await town.wait("a busy screen", timeout: 10) { () -> AgentScreen? in
            let screen = AgentScreen(text: await town.screen(), profile: runtime.profile)
            return screen.busy ? screen : nil
        }
        seen.busyWhileSlow = busy.busy
        seen.busyReady = busy.readyForInput
        try Data().write(to: gate)
        let slow = try await TurnDelivery(lifecycle: AgentLifecycle(runtime: runtime)).waitForEnd(2, timeout: 60)
        #expect(slow.state == .done)
        let failed = try await town.gw(["mayor", "send", "--wait", "--timeout", "90s", "bad request please"])
        seen.errorMentions400 = failed.status != 0 && failed.stderr.contains("API Error: 400 scripted bad request")
        let turns = try await town.turns()
        seen.states = turns.map(\.state)
        seen.replies = turns.map { $0.reply ?? "" }
        let events = try await town.events().filter { ["SessionStart", "UserPromptSubmit", "Stop", "StopFailure"].contains($0.event) }
        seen.events = events.map(\.event)
        for event in events {
            let object = (try? JSONSerialization.jsonObject(with: Data(event.payload.utf8))) as? [String: Any] ?? [:]
            seen.keys[event.event] = Self.readKeys.filter { object[$0] != nil }
        }
        return seen
    }

    @Test func theDoubleMatchesTheRealCLIInWhatGatewayReads() async throws {
        let simGate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-contract-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: simGate) }
        let sim = try await TestTown(.sim(rules: Self.rules(gate: simGate)), config: TestTown.quickMayor)
        defer { sim.close() }
        let double = try await observe(sim, gate: simGate)
        #expect(double.events == ["SessionStart", "UserPromptSubmit", "Stop", "UserPromptSubmit", "Stop", "UserPromptSubmit", "StopFailure"])
        #expect(double.states == [.done, .done, .failed])
        #expect(double.replies.prefix(2) == ["ECHO: hello contract", "Thought slowly."])
        #expect(double.transcriptReply == "ECHO: hello contract")
        #expect(double.idleReady && double.busyWhileSlow && !double.busyReady)
        #expect(double.errorMentions400)
        guard RealClaude.shouldRun() else { return }
        let realGate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-contract-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: realGate) }
        let real = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules(gate: realGate)), config: TestTown.quickMayor)
        defer { real.close() }
        let claude = try await observe(real, gate: realGate)
        #expect(claude == double, "real Claude Code:\n\(claude)\ngw-agent-sim:\n\(double)")
    }
}
