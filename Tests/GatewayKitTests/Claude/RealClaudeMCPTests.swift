import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
import GatewayTestSupport

/// The real Claude Code calling Gateway's MCP tools: the MCP config and permission Gateway generates
/// for the Mayor, `gw mcp serve` started by Claude Code itself, gw-model-sim asking for the calls.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun(), "needs GW_CLAUDE_BIN (scripts/test sets it)"))
struct RealClaudeMCPTests {
    @Test func claudeCallsTheMemoryToolsThroughGwMcpServe() async throws {
        let fixture = try await TestTown()
        let sandbox = try await ClaudeSandbox(rules: """
            [[rule]]
            name = "remember"
            match = "remember the cat"
            [[rule.step]]
            tools = [{ name = "mcp__gateway__memory_append", input = { text = "The owner's cat is called Mochi", date = "2026-03-14" } }]
            [[rule.step]]
            tools = [{ name = "mcp__gateway__memory_search", input = { query = "Mochi" } }]
            [[rule.step]]
            reply = "Stored."
            """)
        let mcpConfig = sandbox.directory.path("mcp.json")
        try FileSystem.writeAtomically(ClaudeHookSettings.mcpConfig(gwExecutable: try builtProduct("gw").path, town: fixture.town), to: mcpConfig)
        let settings = sandbox.directory.path("gateway-settings.json")
        try FileSystem.writeAtomically(ClaudeHookSettings.json(gwExecutable: "/bin/true", skipBypassWarning: false, allowGatewayTools: true), to: settings)

        let result = try await sandbox.runHeadless("please remember the cat", ["--settings", settings.path, "--mcp-config", mcpConfig.path])
        #expect(result["result"] as? String == "Stored.", "\(result)")
        let log = try FileSystem.readText(fixture.town.mayorDirectory.appendingPathComponent("memory/2026-03-14.md"))
        #expect(log.contains("The owner's cat is called Mochi"))
        #expect(try await fixture.git("log -1 --format=%s hooks/mayor").contains("Append to memory/2026-03-14.md"))
        let steps = try sandbox.sim.requests().filter { $0["rule"] as? String == "remember" }
        #expect(steps.map { $0["step"] as? Int } == [0, 1, 2])
        #expect(steps.dropFirst().allSatisfy { $0["tool_result"] as? Bool == true })

        // The search result Claude got back, as its transcript recorded it.
        let transcripts = FileManager.default.enumerator(at: sandbox.configDirectory.appendingPathComponent("projects"), includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" } ?? []
        let text = try transcripts.map { try FileSystem.readText($0) }.joined()
        #expect(text.contains("memory/2026-03-14.md"), "the search hit came back to Claude")
        let results = text.split(separator: "\n").filter { $0.contains("\"tool_result\"") && $0.contains("\"type\":\"user\"") }
        #expect(results.count == 2)
        #expect(results.allSatisfy { !$0.contains("\"is_error\":true") }, "no tool call failed: \(results)")
    }
}

/// The real Claude Code running Gateway's generated hooks as the Mayor: Stop extracts the
/// conversation from the transcript Claude wrote, `/compact` fires PreCompact (extracting at once)
/// and then SessionStart `compact`, which primes the Mayor with its memory again.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun(), "needs GW_CLAUDE_BIN (scripts/test sets it)"))
struct RealClaudeMemoryHookTests {
    @Test func stopAndCompactKeepTheConversationAndPrimeAgain() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically("# MEMORY.md\n\n- The owner's cat is called Mochi.\n",
                                       to: fixture.town.mayorDirectory.appendingPathComponent("MEMORY.md"))
        let sandbox = try await ClaudeSandbox()
        sandbox.extraEnvironment = ["GW_TOWN": fixture.town.root.path, "GW_AGENT": "mayor"]
        let settings = sandbox.directory.path("gateway-settings.json")
        try FileSystem.writeAtomically(ClaudeHookSettings.json(gwExecutable: try builtProduct("gw").path, skipBypassWarning: false), to: settings)

        let first = try await sandbox.runHeadless("the parcel arrives on Tuesday", ["--settings", settings.path])
        #expect(first["result"] as? String == "ECHO: the parcel arrives on Tuesday")
        let session = try #require(first["session_id"] as? String)
        let calendar = MemoryCalendar(config: try fixture.town.loadConfig())
        let log = fixture.town.mayorDirectory.appendingPathComponent(SessionLog.relativePath(day: calendar.day(of: Date())))
        let extracted = try FileSystem.readText(log)
        #expect(extracted.contains("the parcel arrives on Tuesday"))
        #expect(extracted.contains("ECHO: the parcel arrives on Tuesday"))
        #expect(SessionLog.keys(in: extracted).count == 1)

        _ = try await sandbox.runHeadless("/compact", ["--settings", settings.path, "--resume", session])
        let events = try await Ledger(file: fixture.town.ledgerFile).events(agent: "mayor")
        let names = events.map(\.event)
        #expect(names.contains(.preCompact), "\(names)")
        let compactStart = events.first { $0.event == .sessionStart && $0.payload.contains("\"compact\"") }
        #expect(compactStart != nil, "\(names)")
        // Extraction after compaction never duplicates what was already there.
        #expect(SessionLog.keys(in: try FileSystem.readText(log)).count == 1)
        // The primed context went into the transcript Claude keeps.
        let transcripts = FileManager.default.enumerator(at: sandbox.configDirectory.appendingPathComponent("projects"), includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" } ?? []
        let text = try transcripts.map { try FileSystem.readText($0) }.joined()
        #expect(text.contains("The owner's cat is called Mochi."), "SessionStart primed the Mayor with MEMORY.md")
    }
}
