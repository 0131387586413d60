import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

@Suite struct MemoryFlushTests {
    static let settings = "[heartbeat]\nactive_hours = { start = \"00:00\", end = \"23:59\", timezone = \"UTC\" }\n[memory]\nflush_at = 0.5\ncontext_window = 10000\n"
    static let noon = Date(timeIntervalSince1970: 1_773_489_600) // 2026-03-14 12:00 UTC

    func parts(_ fixture: TestTown) throws -> (MemoryFlush, MemoryStore, Ledger) {
        let config = try GatewayConfig.parse(Self.settings)
        return (MemoryFlush(environment: fixture.environment, town: fixture.town, config: config),
                MemoryStore(environment: fixture.environment, town: fixture.town, config: config),
                try Ledger(file: fixture.town.ledgerFile))
    }

    @Test func queuesOneAppendOnlyFlushPerCompactionCycle() async throws {
        let fixture = try await TestTown(clock: ManualWallClock(Self.noon))
        let (flush, _, ledger) = try parts(fixture)
        #expect(try await flush.queueIfNeeded(contextTokens: 4_999) == nil)
        let id = try #require(try await flush.queueIfNeeded(contextTokens: 5_000))
        #expect(try await flush.queueIfNeeded(contextTokens: 9_000) == nil, "once per cycle")
        let turn = try #require(try await ledger.turn(id))
        #expect(turn.source == "memory-flush")
        #expect(turn.text.contains("APPEND"))
        #expect(turn.text.contains("memory/2026-03-14.md"))
        #expect(turn.text.contains("never overwrite"))
        try flush.resetCycle()
        #expect(try await flush.queueIfNeeded(contextTokens: 6_000) != nil, "a new cycle after compaction")
    }

    @Test func aFlushThatAppendedKeepsEverything() async throws {
        let fixture = try await TestTown(clock: ManualWallClock(Self.noon))
        let (flush, memory, _) = try parts(fixture)
        #expect(try await memory.append("The owner flies to Tokyo on Friday").appended)
        let id = try #require(try await flush.queueIfNeeded(contextTokens: 8_000))
        #expect(try await memory.append("Booked the airport taxi").appended)
        #expect(try await flush.checkAfterTurn(id) == 0)
        #expect(FlushState.load(fixture.town).lastCheck == "kept")
        #expect(try await flush.checkAfterTurn(id) == nil, "checked once")
    }

    @Test func aFlushThatOverwroteIsRestoredFromTheHooksHistory() async throws {
        let fixture = try await TestTown(clock: ManualWallClock(Self.noon))
        let (flush, memory, _) = try parts(fixture)
        #expect(try await memory.append("The owner flies to Tokyo on Friday").appended)
        #expect(try await memory.append("Two-line entry\nwith its second line").appended)
        let id = try #require(try await flush.queueIfNeeded(contextTokens: 8_000))
        // The flush turn rewrote the log instead of appending to it.
        let log = fixture.town.mayorDirectory.appendingPathComponent("memory/2026-03-14.md")
        try FileSystem.writeAtomically("# 2026-03-14\n\n- 12:00 Summary of the day\n", to: log)
        #expect(try await flush.checkAfterTurn(id) == 2)
        let text = try FileSystem.readText(log)
        #expect(text.contains("The owner flies to Tokyo on Friday"))
        #expect(text.contains("- 12:00 Two-line entry\n  with its second line"))
        #expect(text.contains("Summary of the day"), "what the flush added is kept")
        #expect(try await fixture.git("log -1 --format=%s hooks/mayor").contains("Restore 2 entries of memory/2026-03-14.md"))
        #expect(FlushState.load(fixture.town).lastCheck?.hasPrefix("restored 2 entries") == true)
    }

    @Test func theStopHookFollowsTheUsageFiguresOfTheTranscript() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically(Self.settings.replacingOccurrences(of: "10000", with: "300000"), to: fixture.town.configFile)
        let file = fixture.directory.url.appendingPathComponent("claude/s.jsonl")
        // The hook reads transcripts only inside the agent's Claude folder.
        let variables = ["GW_TOWN": fixture.town.root.path, "GW_AGENT": "mayor", "CLAUDE_CONFIG_DIR": file.deletingLastPathComponent().path]
        func stop() async throws {
            let payload = #"{"session_id":"s","transcript_path":"\#(file.path)"}"#
            let result = try await runProduct("gw", ["agent-event", "Stop"], in: fixture.town.root, environment: variables, input: payload)
            #expect(result.status == 0, "\(result.stderr)")
        }
        func flushTurns() async throws -> Int {
            try await Ledger(file: fixture.town.ledgerFile).recentTurns(agent: "mayor", limit: 50).filter { $0.source == "memory-flush" }.count
        }
        // 12,383 tokens of context: far below half of 300,000.
        try FileSystem.writeAtomically(TranscriptFixtures.realClaude + "\n", to: file)
        try await stop()
        #expect(try await flushTurns() == 0)
        // 161,000 tokens: past half the window.
        try FileSystem.writeAtomically(TranscriptFixtures.realClaude + "\n" + TranscriptFixtures.splitReply + "\n", to: file)
        try await stop()
        #expect(try await flushTurns() == 1)
        try await stop()
        #expect(try await flushTurns() == 1, "one flush per cycle")
        let compact = try await runProduct("gw", ["agent-event", "SessionStart"], in: fixture.town.root, environment: variables,
                                     input: #"{"session_id":"s","source":"compact"}"#)
        #expect(compact.status == 0)
        try await stop()
        #expect(try await flushTurns() == 2, "after compaction the next crossing flushes again")
    }

    @Test func settingsAreReadAndCheckedFromTheMemorySection() throws {
        let config = try GatewayConfig.parse("[memory]\nflush_at = 0.75\ncontext_window = 1000000\n")
        #expect(config.memory.flushThreshold == 750_000)
        #expect(MemorySettings().flushThreshold == 160_000)
        #expect { try GatewayConfig.parse("[memory]\nflush_at = 2\n") } throws: { error in
            "\(error)".contains("gateway.toml:2: memory.flush_at: must be between")
        }
    }
}
