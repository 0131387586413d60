import Foundation
import GRDB
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// The turn state machine as hook events drive it, on a real SQLite ledger.
@Suite struct MayorLedgerTests {
    let directory = TemporaryDirectory("gw-turns")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func ledger() throws -> Ledger { try Ledger(file: directory.path("ledger.sqlite")) }

    func event(_ name: HookEventName, _ fields: [String: Any]) -> HookEvent {
        let data = try! JSONSerialization.data(withJSONObject: fields.merging(["hook_event_name": name.rawValue]) { old, _ in old })
        return HookEvent(name: name, json: String(decoding: data, as: UTF8.self))
    }

    /// Queues and sends a turn, as TurnDelivery does before pressing Enter.
    func sentTurn(_ ledger: Ledger, _ text: String) async throws -> Int64 {
        let id = try await ledger.enqueueTurn(agent: "mayor", text: text, source: "test", at: start)
        try await ledger.markTurnSent(id, at: start)
        return id
    }

    @Test func userPromptSubmitMatchesTheSentTurnByItsText() async throws {
        let ledger = try ledger()
        let first = try await sentTurn(ledger, "first prompt")
        let second = try await sentTurn(ledger, "second\nprompt")
        // A terminal may turn LF into CR on paste; the comparison unifies line endings.
        let outcome = try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "second\rprompt\n", "prompt_id": "p2", "session_id": "s"]),
                                                      agent: "mayor", at: start)
        #expect(outcome.turnId == second && outcome.turnState == .submitted)
        #expect(try await ledger.turn(first)?.state == .sent)
        let turn = try #require(try await ledger.turn(second))
        #expect(turn.promptId == "p2" && turn.sessionId == "s" && turn.submittedAt != nil)
    }

    @Test func aPayloadWithANulByteIsRecordedWhole() async throws {
        let ledger = try ledger()
        // SQLite reads text as a C string: a raw NUL used to cut the recorded payload short there.
        let payload = "{\"session_id\":\"s\",\"prompt\":\"a\0b\",\"cwd\":\"/town\"}"
        try await ledger.applyHookEvent(HookEvent(name: .userPromptSubmit, json: payload), agent: "mayor", at: start)
        let recorded = try await ledger.events(agent: "mayor").map(\.payload)
        #expect(recorded == ["{\"session_id\":\"s\",\"prompt\":\"a\\u0000b\",\"cwd\":\"/town\"}"])
    }

    @Test func aPromptNobodySentAdvancesNoTurn() async throws {
        let ledger = try ledger()
        let id = try await sentTurn(ledger, "ours")
        let outcome = try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "typed by a person", "prompt_id": "px"]), agent: "mayor", at: start)
        #expect(outcome.turnId == nil)
        #expect(try await ledger.turn(id)?.state == .sent)
        #expect(try await ledger.events(agent: "mayor").map(\.event) == [.userPromptSubmit])
    }

    @Test func stopEndsTheTurnWithItsPromptIdOnly() async throws {
        let ledger = try ledger()
        let a = try await sentTurn(ledger, "a")
        let b = try await sentTurn(ledger, "b")
        try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "a", "prompt_id": "pa"]), agent: "mayor", at: start)
        try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "b", "prompt_id": "pb"]), agent: "mayor", at: start)
        let outcome = try await ledger.applyHookEvent(event(.stop, ["prompt_id": "pb", "last_assistant_message": "reply b"]), agent: "mayor", at: start)
        #expect(outcome.turnId == b && outcome.turnState == .done)
        #expect(try await ledger.turn(b)?.reply == "reply b")
        #expect(try await ledger.turn(a)?.state == .submitted)
        // A prompt id no turn carries (a person's queued prompts sent together) ends nothing.
        let stray = try await ledger.applyHookEvent(event(.stop, ["prompt_id": "p-unknown", "last_assistant_message": "x"]), agent: "mayor", at: start)
        #expect(stray.turnId == nil)
        #expect(try await ledger.turn(a)?.state == .submitted)
    }

    @Test func stopWithoutPromptIdEndsTheOldestSubmittedTurnWithTheTranscriptReply() async throws {
        let ledger = try ledger()
        let id = try await sentTurn(ledger, "old agent")
        try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "old agent"]), agent: "mayor", at: start)
        let outcome = try await ledger.applyHookEvent(event(.stop, ["session_id": "s"]), agent: "mayor", at: start, replyFallback: "from the transcript")
        #expect(outcome.turnId == id)
        #expect(try await ledger.turn(id)?.reply == "from the transcript")
    }

    @Test func stopFailureFailsTheTurnWithTheError() async throws {
        let ledger = try ledger()
        let id = try await sentTurn(ledger, "fail me")
        try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "fail me", "prompt_id": "p"]), agent: "mayor", at: start)
        try await ledger.applyHookEvent(event(.stopFailure, ["prompt_id": "p", "error": "server_error", "last_assistant_message": "API Error: 529 overloaded"]),
                                        agent: "mayor", at: start.addingTimeInterval(1))
        let turn = try #require(try await ledger.turn(id))
        #expect(turn.state == .failed)
        #expect(turn.error == "server_error — API Error: 529 overloaded")
        #expect(turn.endedAt == start.addingTimeInterval(1))
    }

    @Test func anEndedTurnNeverChanges() async throws {
        let ledger = try ledger()
        let id = try await sentTurn(ledger, "once")
        try await ledger.applyHookEvent(event(.userPromptSubmit, ["prompt": "once", "prompt_id": "p"]), agent: "mayor", at: start)
        try await ledger.applyHookEvent(event(.stop, ["prompt_id": "p", "last_assistant_message": "first"]), agent: "mayor", at: start)
        try await ledger.applyHookEvent(event(.stopFailure, ["prompt_id": "p", "error": "late"]), agent: "mayor", at: start)
        try await ledger.endTurn(id, state: .timedOut, error: "too late", at: start)
        try await ledger.markTurnSent(id, at: start)
        #expect(try await ledger.failTurnsInFlight(agent: "mayor", error: "died", at: start).isEmpty)
        let turn = try #require(try await ledger.turn(id))
        #expect(turn.state == .done && turn.reply == "first" && turn.error == nil)
    }

    @Test func aDeathFailsOnlyTurnsInFlight() async throws {
        let ledger = try ledger()
        let queued = try await ledger.enqueueTurn(agent: "mayor", text: "later", source: "test", at: start)
        let sent = try await sentTurn(ledger, "now")
        #expect(try await ledger.failTurnsInFlight(agent: "mayor", error: "the agent died during the turn", at: start) == [sent])
        #expect(try await ledger.turn(queued)?.state == .queued)
        #expect(try await ledger.turn(sent)?.error == "the agent died during the turn")
        #expect(try await ledger.nextQueuedTurn(agent: "mayor")?.id == queued)
    }

    @Test func sessionStartMarksAStartingAgentRunningButNotAStoppedOne() async throws {
        let ledger = try ledger()
        try await ledger.recordAgentStart("mayor", profile: "claude", sessionId: "s1", at: start, note: nil)
        try await ledger.applyHookEvent(event(.sessionStart, ["session_id": "s1", "source": "startup"]), agent: "mayor", at: start)
        #expect(try await ledger.agent("mayor")?.state == .running)
        try await ledger.setAgentState("mayor", .stopped)
        try await ledger.applyHookEvent(event(.sessionStart, ["session_id": "s2", "source": "clear"]), agent: "mayor", at: start)
        let record = try #require(try await ledger.agent("mayor"))
        #expect(record.state == .stopped && record.sessionId == "s1")
    }

    /// The ledger keeps Claude's spelling of every name, one Gateway has no case for included.
    @Test func eventNamesAreStoredAsClaudeSpellsThemAndUnknownOnesAreKept() async throws {
        let ledger = try ledger()
        let names: [HookEventName] = HookEventName.installed + [HookEventName(rawValue: "Notification")]
        #expect(names.last == .other("Notification"))
        for name in names { try await ledger.applyHookEvent(event(name, [:]), agent: "mayor", at: start) }
        #expect(try await ledger.events(agent: "mayor").map(\.event) == names)
        let stored = try await ledger.database.read { db in try String.fetchAll(db, sql: "SELECT event FROM agent_events ORDER BY id") }
        #expect(stored == ["SessionStart", "UserPromptSubmit", "Stop", "StopFailure", "PreCompact", "SessionEnd", "PermissionRequest", "Notification"])
    }
}
