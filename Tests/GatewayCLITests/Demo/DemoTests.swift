import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// `gw demo` is the main job: it must exit 0 only if every step it claims really happened.
@Suite(.serialized) struct DemoTests {
    @Test func theDemoRunsOnTheTerminalDouble() async throws {
        let result = try await runProduct("gw", ["demo", "--agent", "sim"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("agent: gw-agent-sim, the terminal double"))
        #expect(result.stdout.contains("due tasks: 每日资讯, Quiet check"))
        #expect(result.stdout.contains("Quiet check answered HEARTBEAT_OK"))
        #expect(result.stdout.contains("[notify terminal] [urgent] URGENT — 每日资讯"))
        #expect(result.stdout.contains("on branch hooks/mayor"))
    }

    @Test func aBadAgentNameIsAUsageError() async throws {
        let result = try await runProduct("gw", ["demo", "--agent", "robot"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--agent must be claude or sim"))
    }
}

@Suite(.serialized, .enabled(if: RealClaude.shouldRun(), "needs GW_CLAUDE_BIN (scripts/test sets it)"))
struct DemoWithClaudeTests {
    @Test func theDemoRunsOnTheRealClaudeCodeWhichWritesWithItsOwnTool() async throws {
        let claude = try RealClaude.requireBinary()
        let result = try await runProduct("gw", ["demo", "--agent", "claude", "--keep"], environment: ["GW_CLAUDE_BIN": claude.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("talking to gw-model-sim"))
        #expect(result.stdout.contains("with its own Write tool"))
        // gw-model-sim's log shows the Write tool's result coming back: Claude really ran the tool.
        let kept = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("Kept the demo town at ") })
        let town = URL(fileURLWithPath: String(kept.dropFirst("Kept the demo town at ".count).split(separator: " ").first ?? ""))
        defer { try? FileManager.default.removeItem(at: town.deletingLastPathComponent()) }
        let log = try String(contentsOf: town.deletingLastPathComponent().appendingPathComponent("model-sim.jsonl"), encoding: .utf8)
        #expect(log.contains("\"tool_result\":true"))
        #expect(FileSystem.exists(town.appendingPathComponent("mayor/notes/daily-news.md")))
        // The user's own Claude settings were not used: the transcript lives in the demo's config home.
        #expect(FileSystem.exists(town.deletingLastPathComponent().appendingPathComponent("claude-config/projects")))
    }
}
