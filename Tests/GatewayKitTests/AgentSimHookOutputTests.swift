import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

/// What gw-agent-sim does with hook output, as Claude Code does: context cut at 10,000 characters, a
/// Stop hook exiting 2 keeps the turn going, a PermissionRequest hook may answer the dialog.
@Suite struct AgentSimHookOutputTests {
    @Test func sessionStartContextIsCutAtTenThousandCharacters() async throws {
        let sim = try AgentSimHarness()
        try await sim.start(environment: ["BIG_CONTEXT": "1"])
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("hi")
        try await sim.waitForHook("Stop")
        let attachment = try sim.transcriptRecords().first { $0["type"] as? String == "attachment" }?["attachment"] as? [String: Any]
        let content = (attachment?["content"] as? [String])?.first ?? ""
        #expect(content.count == 10_000 && content.allSatisfy { $0 == "x" })
    }

    @Test func stopHookExitTwoKeepsTheTurnGoingOnce() async throws {
        let sim = try AgentSimHarness()
        try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("keep going please")
        let stops = try await sim.waitForHook("Stop", count: 2)
        #expect(stops[0]["stop_hook_active"] as? Bool == false)
        #expect(stops[1]["stop_hook_active"] as? Bool == true)
        #expect(stops[1]["last_assistant_message"] as? String == "ECHO: say more")
        #expect(stops[0]["prompt_id"] as? String == stops[1]["prompt_id"] as? String)
        try await sim.send("next")
        let after = try await sim.waitForHook("Stop", count: 3)
        #expect(after[2]["last_assistant_message"] as? String == "ECHO: next")
    }

    @Test func permissionRequestHookCanAllowWithoutTheDialog() async throws {
        let sim = try AgentSimHarness(rules: """
            [[rule]]
            match = "deploy"
            permission_prompt = { tool = "Bash", input = { command = "make deploy # auto-allow" } }
            reply = "deployed"
            """)
        let tmux = try await sim.start(["--permission-mode", "default"])
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("deploy now")
        let stop = try await sim.waitForHook("Stop")[0]
        #expect(stop["last_assistant_message"] as? String == "deployed")
        #expect(try sim.hookEvents("PermissionRequest").count == 1)
        #expect(!(try await tmux.capture()).contains("Do you want to proceed?"))
    }
}
