import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The SessionStart hook of the Mayor, run as Claude Code runs it: `gw agent-event SessionStart` with
/// the payload on stdin and GW_TOWN/GW_AGENT in the environment.
@Suite struct MemoryHookPrimingTests {
    func sessionStart(_ fixture: TestTown, source: String, agent: String = "mayor") async throws -> String {
        let result = try await runProduct("gw", ["agent-event", "SessionStart"], in: fixture.town.root,
                                    environment: ["GW_TOWN": fixture.town.root.path, "GW_AGENT": agent],
                                    input: #"{"session_id":"s-1","source":"\#(source)","hook_event_name":"SessionStart"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let output = try #require(object["hookSpecificOutput"] as? [String: Any])
        #expect(output["hookEventName"] as? String == "SessionStart")
        return try #require(output["additionalContext"] as? String)
    }

    @Test(arguments: ["startup", "resume", "clear", "compact"])
    func theMayorGetsItsIdentityAndItsMemory(source: String) async throws {
        let fixture = try await TestTown()
        let mayor = fixture.town.mayorDirectory
        try FileSystem.writeAtomically("# MEMORY.md\n\n- The owner's cat is called Mochi.\n", to: mayor.appendingPathComponent("MEMORY.md"))
        try FileSystem.writeAtomically("# 2026-03-02\n\n- 09:00 Sent the 科技新闻 digest.\n", to: mayor.appendingPathComponent("memory/2026-03-02.md"))
        let context = try await sessionStart(fixture, source: source)
        #expect(context.hasPrefix("Gateway context (\(source)):"))
        #expect(context.contains("You are the Mayor"))
        #expect(context.contains("The owner's cat is called Mochi."))
        #expect(context.contains("Sent the 科技新闻 digest."))
        #expect(!context.contains("You must"), "facts, not commands")
    }

    @Test func largeMemoryStaysWithinTheHookLimitAndKeepsTheIdentity() async throws {
        let fixture = try await TestTown()
        let mayor = fixture.town.mayorDirectory
        try FileSystem.writeAtomically(String(repeating: "- 长期记忆 a long-term fact worth keeping\n", count: 600), to: mayor.appendingPathComponent("MEMORY.md"))
        for day in 1...5 {
            let lines = (1...200).map { "- 10:00 entry \($0) of day \(day)" }.joined(separator: "\n")
            try FileSystem.writeAtomically("# 2026-03-0\(day)\n\n\(lines)\n", to: mayor.appendingPathComponent("memory/2026-03-0\(day).md"))
        }
        let context = try await sessionStart(fixture, source: "compact")
        #expect(context.utf16.count <= 10_000)
        #expect(context.utf16.count > 9_000, "the limit is used")
        #expect(context.contains("You are the Mayor"))
        #expect(context.contains("entry 200 of day 5"), "the newest entries survive the cut")
    }

    @Test func otherAgentsGetOnlyTheirIdentity() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically("- secret of the Mayor\n", to: fixture.town.mayorDirectory.appendingPathComponent("MEMORY.md"))
        let context = try await sessionStart(fixture, source: "startup", agent: "crew1")
        #expect(context.contains("agent crew1"))
        #expect(!context.contains("secret of the Mayor"))
    }

    @Test func aBrokenConfigIsStatedAndTheHookStillAnswers() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically("[memory]\nprime_budget = \"lots\"\n", to: fixture.town.configFile)
        let context = try await sessionStart(fixture, source: "startup")
        #expect(context.contains("You are the Mayor"))
        #expect(context.contains("could not read the Mayor's memory"))
        #expect(context.contains("prime_budget"))
    }
}
