import Foundation
import Testing
import GRDB
import GatewayTestSupport
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
@testable import GatewayHooks

/// The Mayor's Stop with a daemon running: the hook stores the reply and leaves the turn `replied`; the
/// extraction and its commit happen before the turn is `done`, in the daemon — or in the hook itself
/// when the daemon does not take the poke.
@Suite struct ReplyHandOverTests {
    struct Fixture {
        let hooks: TestTown
        let environment: GatewayEnvironment
        let transcript: URL
        let ledger: Ledger
        let turn: Int64

        init() async throws {
            hooks = try await TestTown()
            try FileSystem.writeAtomically(SessionExtractionTests.utc, to: hooks.town.configFile)
            transcript = hooks.directory.url.appendingPathComponent("claude/s.jsonl")
            try FileSystem.writeAtomically(TranscriptFixtures.realClaude + "\n", to: transcript)
            var environment = hooks.environment
            // The hook reads transcripts only inside the agent's Claude folder.
            environment.variables["CLAUDE_CONFIG_DIR"] = transcript.deletingLastPathComponent().path
            self.environment = environment
            ledger = try environment.ledger(hooks.town)
            let now = environment.clock.now()
            turn = try await ledger.enqueueTurn(agent: Hook.mayor, text: "please commit", source: "manual", at: now)
            try await ledger.markTurnSent(turn, at: now)
            try await ledger.applyHookEvent(HookEvent(name: .userPromptSubmit, json: #"{"session_id":"s","prompt":"please commit"}"#), agent: Hook.mayor, at: now)
            #expect(try await ledger.turn(turn)?.state == .submitted)
        }

        /// A daemon as the hook sees one: this process's pid in the pid file.
        func pretendDaemonRuns() throws {
            try FileSystem.writeAtomically("\(getpid())\n", to: DaemonPidFile.url(hooks.town))
        }

        func stop() async throws -> HookOutcome {
            let payload = #"{"session_id":"s","transcript_path":"\#(transcript.path)","last_assistant_message":"Committed."}"#
            return try await AgentEventRecorder(environment: environment, town: hooks.town).record(event: .stop, agent: Hook.mayor, payload: payload).outcome
        }

        var sessionLog: String {
            (try? FileSystem.readText(hooks.town.mayorDirectory.appendingPathComponent(SessionLog.relativePath(day: "2026-11-26")))) ?? ""
        }

        func lastCommit() async -> String { (try? await hooks.git("log -1 --format=%s hooks/mayor")) ?? "" }
    }

    @Test func withADaemonTheHookLeavesTheExtractionToItAndTheTurnIsDoneOnlyAfterTheCommit() async throws {
        let fixture = try await Fixture()
        try fixture.pretendDaemonRuns()
        let pokes = PokeRecorder()
        let listener = try DoorbellListener(doorbell: DaemonDoorbell(town: fixture.hooks.town)) { pokes.add($0) }
        defer { listener.cancel() }

        let outcome = try await fixture.stop()
        #expect(outcome.turnState == .replied)
        let replied = try #require(try await fixture.ledger.turn(fixture.turn))
        #expect(replied.state == .replied)
        #expect(replied.reply == "Committed.", "the reply is stored by the hook")
        #expect(!replied.state.hasEnded, "nobody may read it as ended before the commit")
        #expect(try await fixture.ledger.turnInFlight(agent: Hook.mayor)?.id == fixture.turn, "nothing else is sent meanwhile")
        #expect(!fixture.sessionLog.contains("please commit"), "the hook did not extract")
        try await pokes.waitFor { $0.contains(DoorbellListener.Poke("hook mayor")) }

        // What the daemon's broker runs on that poke.
        let bookkeeping = ReplyBookkeeping(environment: fixture.environment, town: fixture.hooks.town, claudeHome: ClaudeConfigHome(variables: fixture.environment.variables)) { try fixture.hooks.town.loadConfig().memoryConfig }
        #expect(try await bookkeeping.finishAll(ledger: fixture.ledger) == [fixture.turn])
        #expect(fixture.sessionLog.contains("please commit"))
        #expect(await fixture.lastCommit().contains("Extract the conversation"))
        let done = try #require(try await fixture.ledger.turn(fixture.turn))
        #expect(done.state == .done)
        #expect(done.reply == "Committed.")
        #expect(done.endedAt != nil)
        #expect(try await bookkeeping.finishAll(ledger: fixture.ledger).isEmpty, "finished once")
    }

    /// The daemon marks the turn done and starts the next one before it reads the new session log into
    /// the search index; it indexes it right after.
    @Test func theDaemonEndsTheTurnFirstAndIndexesTheSessionLogAfter() async throws {
        let fixture = try await Fixture()
        try fixture.pretendDaemonRuns()
        let pokes = PokeRecorder()
        let listener = try DoorbellListener(doorbell: DaemonDoorbell(town: fixture.hooks.town)) { pokes.add($0) }
        defer { listener.cancel() }
        #expect(try await fixture.stop().turnState == .replied)
        let town = fixture.hooks.town
        let bookkeeping = ReplyBookkeeping(environment: fixture.environment, town: town, claudeHome: ClaudeConfigHome(variables: fixture.environment.variables)) { try town.loadConfig().memoryConfig }
        let finished = try await bookkeeping.finishAllLeavingIndex(ledger: fixture.ledger)
        #expect(finished.turns == [fixture.turn])
        #expect(try await fixture.ledger.turn(fixture.turn)?.state == .done)
        #expect(finished.unindexed == [SessionLog.relativePath(day: "2026-11-26")])
        let index = try MemoryIndex.open(town: town)
        func indexed() throws -> Bool {
            try index.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM files WHERE path = ?", arguments: [SessionLog.relativePath(day: "2026-11-26")]) == 1 }
        }
        #expect(try !indexed(), "the turn ended before its session log was indexed")
        bookkeeping.refreshIndex(finished.unindexed)
        #expect(try indexed())
        let root = MemoryStore(environment: fixture.environment, town: town, config: try town.loadConfig().memoryConfig).directory
        #expect(try index.catchUp(root: root, only: finished.unindexed) == 0, "indexed as written")
    }

    @Test func whenTheDaemonTakesNoPokeTheHookFinishesItself() async throws {
        let fixture = try await Fixture()
        try fixture.pretendDaemonRuns()  // a pid file, but no socket: the daemon stopped a moment ago
        let outcome = try await fixture.stop()
        #expect(outcome.turnState == .done)
        #expect(try await fixture.ledger.turn(fixture.turn)?.state == .done)
        #expect(fixture.sessionLog.contains("please commit"))
        #expect(await fixture.lastCommit().contains("Extract the conversation"))
    }

    @Test func withoutADaemonTheHookExtractsBeforeTheTurnEnds() async throws {
        let fixture = try await Fixture()
        let outcome = try await fixture.stop()
        #expect(outcome.turnState == .done)
        #expect(fixture.sessionLog.contains("please commit"))
    }

    @Test func aRepliedTurnNeverTimesOut() async throws {
        let fixture = try await Fixture()
        try await fixture.ledger.applyHookEvent(HookEvent(name: .stop, json: #"{"session_id":"s","last_assistant_message":"ok"}"#),
                                          agent: Hook.mayor, at: fixture.environment.clock.now(), deferBookkeeping: true)
        var turn = try #require(try await fixture.ledger.turn(fixture.turn))
        #expect(turn.state == .replied)
        turn.sentAt = .distantPast
        let mayor = AgentLifecycle(runtime: .mayor(environment: fixture.environment, town: fixture.hooks.town, config: try fixture.hooks.town.loadConfig()))
        #expect(try await TurnDelivery(lifecycle: mayor).expireIfOverdue(turn, ledger: fixture.ledger) == false)
        #expect(try await fixture.ledger.turn(fixture.turn)?.state == .replied)
    }
}

/// Pokes a test's doorbell listener received.
final class PokeRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var pokes: [DoorbellListener.Poke] = []

    func add(_ poke: DoorbellListener.Poke) { lock.withLock { pokes.append(poke) } }

    func waitFor(_ condition: ([DoorbellListener.Poke]) -> Bool) async throws {
        try await pollUntil("the poke", timeout: 30) { () -> Bool? in lock.withLock { condition(pokes) } ? true : nil }
    }
}
