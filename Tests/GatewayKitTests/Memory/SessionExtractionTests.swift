import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
import GatewayTestSupport

@Suite struct SessionExtractionTests {
    static let utc = "[heartbeat]\nactive_hours = { start = \"00:00\", end = \"23:59\", timezone = \"UTC\" }\n"

    func extractor(_ fixture: TestTown) throws -> SessionExtractor {
        SessionExtractor(environment: fixture.environment, town: fixture.town, config: try GatewayConfig.parse(Self.utc))
    }

    func transcript(_ fixture: TestTown, _ text: String, name: String = "s.jsonl") throws -> URL {
        let url = fixture.directory.url.appendingPathComponent("claude/\(name)")
        try FileSystem.writeAtomically(text + "\n", to: url)
        return url
    }

    func sessionLog(_ fixture: TestTown, _ day: String) throws -> String {
        try FileSystem.readText(fixture.town.mayorDirectory.appendingPathComponent(SessionLog.relativePath(day: day)))
    }

    @Test func realClaudeLinesGiveThePromptAndTheFinalReplyWithoutToolTraffic() {
        let turns = SessionTurn.turns(TranscriptReader.entries(TranscriptFixtures.realClaude))
        #expect(turns.count == 1)
        #expect(turns.first?.key == "5f62660b-1140-4067-b6a6-ca2b0023fb6c")
        #expect(turns.first?.prompt == "please commit")
        #expect(turns.first?.reply == "Committed.")
    }

    @Test func splitRepliesAreJoinedAndSidechainsSummariesAndUnknownRecordsLeftOut() {
        let text = TranscriptFixtures.realClaude + "\n" + TranscriptFixtures.splitReply
        let turns = SessionTurn.turns(TranscriptReader.entries(text))
        #expect(turns.map(\.key) == ["5f62660b-1140-4067-b6a6-ca2b0023fb6c", "u-2"])
        #expect(turns.last?.reply == "We send the digest at 08:00.", "thinking and the subagent's text are not the reply")
        #expect(!text.isEmpty && turns.allSatisfy { !$0.prompt.contains("continued from a previous conversation") })
        let lastUsage = text.split(separator: "\n").compactMap { TranscriptReader.contextTokens(line: Data($0.utf8)) }.last
        #expect(lastUsage == 1000 + 2000 + 158_000)
    }

    /// Usage figures are Claude Code's to write: absurd ones are no figure, never an overflow trap.
    @Test(arguments: ["9223372036854775807", "18446744073709551616", "1.7976931348623157e308", "-5"])
    func absurdUsageFiguresAreIgnored(figure: String) {
        let line = #"{"type":"assistant","message":{"id":"m","usage":{"input_tokens":1200,"cache_read_input_tokens":"# + figure + "}}}"
        #expect(TranscriptReader.contextTokens(line: Data(line.utf8)) == 1200)
    }

    @Test func olderTranscriptsWithoutPromptIdsAndWithStringContentAreRead() {
        let turns = SessionTurn.turns(TranscriptReader.entries(TranscriptFixtures.older))
        #expect(turns.count == 1, "the /clear echo is no prompt")
        #expect(turns.first?.key == "o-1")
        #expect(turns.first?.reply == "Noted: Mochi.")
    }

    @Test func extractsIntoTheDaysSessionLogAndCommitsIdempotently() async throws {
        let fixture = try await TestTown()
        let file = try transcript(fixture, TranscriptFixtures.realClaude + "\n" + TranscriptFixtures.older)
        let first = try await extractor(fixture).extract([file])
        #expect(first.turnsRead == 2)
        #expect(first.files == ["memory/sessions/2025-06-01.md", "memory/sessions/2026-11-26.md"])
        #expect(first.commit != nil)
        let today = try sessionLog(fixture, "2026-11-26")
        #expect(today.contains("## 01:11 prompt\n\nplease commit\n\n**Reply**\n\nCommitted.\n"))
        #expect(!today.contains("git init"), "tool calls are left out")
        #expect(try sessionLog(fixture, "2025-06-01").contains("Noted: Mochi."))
        let commits = try await fixture.commitCount("mayor")

        // Again, and again with the cursor forgotten: nothing changes, nothing is committed.
        let second = try await extractor(fixture).extract([file])
        #expect(second.files.isEmpty && second.commit == nil)
        try FileManager.default.removeItem(at: TranscriptCursor(town: fixture.town).file)
        let third = try await extractor(fixture).extract([file])
        #expect(third.turnsRead == 2 && third.files.isEmpty)
        #expect(try sessionLog(fixture, "2026-11-26") == today)
        #expect(try await fixture.commitCount("mayor") == commits)
        #expect(SessionLog.keys(in: today) == ["5f62660b-1140-4067-b6a6-ca2b0023fb6c"])
    }

    @Test func readsIncrementallyAndCompletesATurnWhoseReplyCameLater() async throws {
        let fixture = try await TestTown()
        let lines = TranscriptFixtures.splitReply.split(separator: "\n").map(String.init)
        let file = try transcript(fixture, TranscriptFixtures.realClaude + "\n" + lines[0])
        let first = try await extractor(fixture).extract([file])
        #expect(first.turnsRead == 2)
        #expect(try sessionLog(fixture, "2026-11-26").contains("**Reply** (pending)"))

        try FileSystem.writeAtomically(TranscriptFixtures.realClaude + "\n" + TranscriptFixtures.splitReply + "\n", to: file)
        let second = try await extractor(fixture).extract([file])
        #expect(second.turnsRead == 1, "only the last turn is read again")
        #expect(second.contextTokens == 161_000)
        let log = try sessionLog(fixture, "2026-11-26")
        #expect(!log.contains("(pending)"))
        #expect(log.contains("We send the digest at 08:00."))
        #expect(SessionLog.keys(in: log) == ["5f62660b-1140-4067-b6a6-ca2b0023fb6c", "u-2"])
        let memory = MemoryStore(environment: fixture.environment, town: fixture.town, config: try GatewayConfig.parse(Self.utc))
        #expect(try await memory.search("digest").contains { $0.file == "memory/sessions/2026-11-26.md" }, "session logs are searchable")
    }

    @Test func aPendingTurnNeverReplacesOneThatHasItsReply() throws {
        let done = SessionTurn(key: "k", prompt: "hi", reply: "hello", date: nil)
        let log = SessionLog.upserting([(done, "09:00")], into: nil, day: "2026-01-01")
        let pending = SessionTurn(key: "k", prompt: "hi", reply: nil, date: nil)
        #expect(SessionLog.upserting([(pending, "09:00")], into: log, day: "2026-01-01") == nil)
        // Conversation text that looks like a block marker stays text.
        let tricky = SessionTurn(key: "t", prompt: "<!-- turn k -->", reply: "ok", date: nil)
        let updated = try #require(SessionLog.upserting([(tricky, "09:01")], into: log, day: "2026-01-01"))
        #expect(SessionLog.keys(in: updated) == ["k", "t"])
    }

    @Test func theMayorsStopAndPreCompactHooksExtractThroughTheCommandLine() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically(Self.utc, to: fixture.town.configFile)
        let file = try transcript(fixture, TranscriptFixtures.realClaude)
        // The hook reads transcripts only inside the agent's Claude folder.
        let variables = ["GW_TOWN": fixture.town.root.path, "GW_AGENT": "mayor", "CLAUDE_CONFIG_DIR": file.deletingLastPathComponent().path]
        let payload = #"{"session_id":"s","transcript_path":"\#(file.path)","last_assistant_message":"Committed."}"#
        let stop = try await runProduct("gw", ["agent-event", "Stop"], in: fixture.town.root, environment: variables, input: payload)
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(try sessionLog(fixture, "2026-11-26").contains("please commit"))
        #expect(try await fixture.git("log -1 --format=%s hooks/mayor").contains("Extract the conversation"))

        try FileSystem.writeAtomically(TranscriptFixtures.realClaude + "\n" + TranscriptFixtures.splitReply + "\n", to: file)
        let compact = try await runProduct("gw", ["agent-event", "PreCompact"], in: fixture.town.root, environment: variables,
                                     input: #"{"session_id":"s","transcript_path":"\#(file.path)","trigger":"auto"}"#)
        #expect(compact.status == 0, "\(compact.stderr)")
        #expect(try sessionLog(fixture, "2026-11-26").contains("We send the digest at 08:00."))

        let byHand = try await runProduct("gw", ["memory", "extract", file.path, "--json"], in: fixture.town.root)
        #expect(byHand.status == 0, "\(byHand.stderr)")
        #expect(byHand.stdout.contains("\"files\" : [\n\n  ]") || byHand.stdout.contains("\"files\" : []"))
        let missing = try await runProduct("gw", ["memory", "extract", "/nonexistent.jsonl"], in: fixture.town.root)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent.jsonl does not exist"))
    }

    @Test func byHandItFindsTheMayorsTranscriptsInItsClaudeConfigFolder() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically(Self.utc, to: fixture.town.configFile)
        let config = fixture.directory.url.appendingPathComponent("claude-config")
        let folder = TranscriptReader.folder(configDirectory: config, cwd: fixture.town.mayorDirectory.path)
        try FileSystem.writeAtomically(TranscriptFixtures.older + "\n", to: folder.appendingPathComponent("old.jsonl"))
        try FileSystem.writeAtomically(TranscriptFixtures.realClaude + "\n", to: folder.appendingPathComponent("new.jsonl"))
        let result = try await runProduct("gw", ["memory", "extract"], in: fixture.town.root, environment: ["CLAUDE_CONFIG_DIR": config.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Read 2 turns from 2 transcripts"), "\(result.stdout)")
        #expect(try sessionLog(fixture, "2025-06-01").contains("Mochi"))
        #expect(try sessionLog(fixture, "2026-11-26").contains("please commit"))
    }

    @Test func brokenLinesAndMissingTranscriptsNeverFailTheHook() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically(Self.utc, to: fixture.town.configFile)
        // A torn write (no newline yet) and a line that is not JSON are skipped; the rest is read.
        let file = try transcript(fixture, "{not json\n" + TranscriptFixtures.older)
        let torn = #"{"type":"user","message":{"content":"a prompt still being written"},"uuid":"t-1","timestamp":"2025-06-01T08:00:00.000Z"}"#
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(torn.prefix(40).utf8))
        let result = try await extractor(fixture).extract([file])
        #expect(result.turnsRead == 1)
        #expect(try sessionLog(fixture, "2025-06-01").contains("Noted: Mochi."))
        // The rest of the line arrives: the next read picks the prompt up.
        try handle.write(contentsOf: Data((torn.dropFirst(40) + "\n").utf8))
        try handle.close()
        let again = try await extractor(fixture).extract([file])
        #expect(again.files == ["memory/sessions/2025-06-01.md"])
        #expect(try sessionLog(fixture, "2025-06-01").contains("a prompt still being written"))

        let variables = ["GW_TOWN": fixture.town.root.path, "GW_AGENT": "mayor"]
        let stop = try await runProduct("gw", ["agent-event", "Stop"], in: fixture.town.root, environment: variables,
                                  input: #"{"session_id":"s","transcript_path":"/nonexistent/s.jsonl"}"#)
        #expect(stop.status == 0, "\(stop.stderr)")
        let events = try await Ledger(file: fixture.town.ledgerFile).events(agent: "mayor")
        #expect(events.map(\.event) == [.stop], "the event is recorded all the same")
    }
}
