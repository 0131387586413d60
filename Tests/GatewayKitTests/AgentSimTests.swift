import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

/// gw-agent-sim, the terminal test double of Claude Code, checked in a real tmux pane against the
/// contract in claude-code.md: hook payloads, screen, transcript, resume and the old-version mode.
@Suite struct AgentSimTests {
    static let commonKeys: Set<String> = ["session_id", "transcript_path", "cwd", "hook_event_name"]

    @Test func roundTripFiresHooksWithClaudesPayloadKeysAndEnvironment() async throws {
        let sim = try AgentSimHarness()
        let tmux = try await sim.start()
        defer { sim.kill() }
        let start = try await sim.waitForHook("SessionStart")[0]
        #expect(Self.commonKeys.union(["source", "model"]).isSubset(of: Set(start.keys)))
        #expect(start["source"] as? String == "startup")
        #expect(start["session_id"] as? String == sim.sessionID)
        #expect(start["transcript_path"] as? String == sim.transcriptURL.path)
        #expect(start["cwd"] as? String == sim.workspace.path)

        try await tmux.waitForScreen("the idle input line") { $0.contains("❯\u{00A0}") }
        try await sim.send("hello there")
        let stop = try await sim.waitForHook("Stop")[0]
        let submit = try sim.hookEvents("UserPromptSubmit")[0]
        #expect(Self.commonKeys.union(["prompt_id", "permission_mode", "prompt"]).isSubset(of: Set(submit.keys)))
        #expect(submit["prompt"] as? String == "hello there")
        #expect(submit["permission_mode"] as? String == "auto")
        #expect(Self.commonKeys.union(["prompt_id", "stop_hook_active", "last_assistant_message", "background_tasks", "session_crons", "effort"]).isSubset(of: Set(stop.keys)))
        #expect(stop["prompt_id"] as? String == submit["prompt_id"] as? String)
        #expect(stop["stop_hook_active"] as? Bool == false)
        #expect(stop["last_assistant_message"] as? String == "ECHO: hello there")
        #expect((stop["background_tasks"] as? [Any])?.isEmpty == true)
        #expect(try sim.hookEvents().compactMap { $0["hook_event_name"] as? String } == ["SessionStart", "UserPromptSubmit", "Stop"])

        // Hooks run in the session's cwd with CLAUDE_PROJECT_DIR and CLAUDE_CODE_SESSION_ID added.
        let environment = sim.hookEnvironment()
        #expect(environment.count == 3)
        #expect(environment.allSatisfy { $0.hasSuffix("|\(sim.workspace.path)|\(sim.sessionID)|\(sim.workspace.path)") })
        let screen = try await tmux.waitForScreen("the reply") { $0.contains("ECHO: hello there") }
        #expect(!screen.contains("esc to interrupt"))
    }

    @Test func multiLineChinesePasteArrivesAsOnePromptByteExact() async throws {
        let sim = try AgentSimHarness()
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        var prompt = ""
        var line = 0
        while prompt.utf8.count < 3_000 {
            line += 1
            prompt += "第\(line)行：网关把提示原样送达，标点「」、空格  和 tab\t也不例外。\n"
        }
        prompt += "最后一行 without newline ✓"
        try await tmux.paste(prompt)
        // A large paste is collapsed in the input box, as Claude Code shows it.
        try await tmux.waitForScreen("the collapsed paste") { $0.contains("❯\u{00A0}[Pasted text #1 +\(line) lines]") }
        try await tmux.sendKeys("Enter")
        let stop = try await sim.waitForHook("Stop")[0]
        let submits = try sim.hookEvents("UserPromptSubmit")
        #expect(submits.count == 1)
        // Byte for byte as Claude Code takes a paste: each tab becomes four spaces.
        let taken = prompt.replacingOccurrences(of: "\t", with: "    ")
        #expect(Data((submits[0]["prompt"] as? String ?? "").utf8) == Data(taken.utf8))
        #expect(stop["last_assistant_message"] as? String == "ECHO: \(taken)")
        let users = try sim.transcriptRecords().filter { $0["type"] as? String == "user" }
        #expect((users.last?["message"] as? [String: Any])?["content"] as? String == taken)
    }

    @Test func transcriptRecordsHaveClaudesShapeAndHookContext() async throws {
        let sim = try AgentSimHarness()
        try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("first")
        try await sim.waitForHook("Stop")
        try await sim.send("second")
        let stops = try await sim.waitForHook("Stop", count: 2)
        let records = try sim.transcriptRecords()
        let users = records.filter { $0["type"] as? String == "user" }
        let assistants = records.filter { $0["type"] as? String == "assistant" }
        #expect(users.count == 2 && assistants.count == 2)
        for record in users + assistants {
            for key in ["uuid", "parentUuid", "sessionId", "timestamp", "isSidechain", "message"] {
                #expect(record[key] != nil, "missing \(key) in \(record)")
            }
            #expect(record["sessionId"] as? String == sim.sessionID)
            #expect(record["isSidechain"] as? Bool == false)
        }
        #expect(users.map { $0["promptId"] as? String } == (try sim.hookEvents("UserPromptSubmit")).map { $0["prompt_id"] as? String })
        #expect(users.allSatisfy { ($0["origin"] as? [String: Any])?["kind"] as? String == "human" && $0["promptSource"] as? String == "typed" })
        let messages = assistants.compactMap { $0["message"] as? [String: Any] }
        #expect(messages.allSatisfy { $0["role"] as? String == "assistant" && $0["id"] is String })
        let inputTokens = messages.compactMap { ($0["usage"] as? [String: Any])?["input_tokens"] as? Int }
        #expect(inputTokens.count == 2 && inputTokens[1] > inputTokens[0], "usage follows the growing context")
        let texts = messages.compactMap { ($0["content"] as? [[String: Any]])?.first?["text"] as? String }
        #expect(texts == stops.map { $0["last_assistant_message"] as? String ?? "" })
        // Records chain: each parentUuid names an earlier record.
        var seen: Set<String> = []
        for record in records {
            if let parent = record["parentUuid"] as? String { #expect(seen.contains(parent)) }
            if let uuid = record["uuid"] as? String { seen.insert(uuid) }
        }
        let types = Set(records.compactMap { $0["type"] as? String })
        #expect(types.isSuperset(of: ["attachment", "system", "last-prompt", "permission-mode"]))
        let attachment = records.first { $0["type"] as? String == "attachment" }?["attachment"] as? [String: Any]
        #expect(attachment?["content"] as? [String] == ["primed by the test"])
        #expect(records.contains { $0["subtype"] as? String == "turn_duration" })
    }

    @Test func userPromptSubmitExitTwoBlocksThePrompt() async throws {
        let sim = try AgentSimHarness()
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("this is forbidden")
        try await tmux.waitForScreen("the block notice") { $0.contains("blocked by hook") && $0.contains("forbidden prompts are refused") }
        try await sim.send("allowed")
        let stop = try await sim.waitForHook("Stop")
        #expect(stop.count == 1)
        #expect(stop[0]["last_assistant_message"] as? String == "ECHO: allowed")
        let prompts = try sim.transcriptRecords().filter { $0["type"] as? String == "user" }.compactMap { ($0["message"] as? [String: Any])?["content"] as? String }
        #expect(prompts == ["allowed"])
    }

    @Test func resumeReloadsTheConversationAndContinuesTheTranscript() async throws {
        let sim = try AgentSimHarness()
        let first = try await sim.start()
        try await sim.waitForHook("SessionStart")
        try await sim.send("remember the number 42")
        try await sim.waitForHook("Stop")
        try await first.type("/exit")
        try await first.sendKeys("Enter")
        #expect(try await first.waitForExit() == 0)
        let end = try await sim.waitForHook("SessionEnd")[0]
        #expect(end["reason"] as? String == "prompt_input_exit")
        sim.kill()

        let second = try await sim.start(resume: true)
        defer { sim.kill() }
        let starts = try await sim.waitForHook("SessionStart", count: 2)
        #expect(starts[1]["source"] as? String == "resume")
        #expect(starts[1]["session_id"] as? String == sim.sessionID)
        try await second.waitForScreen("the earlier turn") { $0.contains("❯ remember the number 42") && $0.contains("ECHO: remember the number 42") }
        let before = try sim.transcriptRecords().count
        try await sim.send("what was the number?")
        try await sim.waitForHook("Stop", count: 2)
        let records = try sim.transcriptRecords()
        #expect(records.count > before)
        let newUser = records.last { $0["type"] as? String == "user" }
        let parent = newUser?["parentUuid"] as? String
        #expect(parent != nil && records[..<before].contains { $0["uuid"] as? String == parent })
    }

    @Test func terminationEndsTheSessionWithSessionEndOther() async throws {
        let sim = try AgentSimHarness()
        let tmux = try await sim.start()
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        #expect(kill(try await tmux.panePID(), SIGTERM) == 0)
        #expect(try await tmux.waitForExit() == 128 + SIGTERM)
        let end = try sim.hookEvents("SessionEnd")
        #expect(end.count == 1 && end.first?["reason"] as? String == "other")
    }

    @Test func resumeOfAnUnknownSessionFailsLikeClaude() async throws {
        let directory = TemporaryDirectory()
        let id = UUID().uuidString.lowercased()
        let result = try await runProduct("gw-agent-sim", ["--resume", id], in: directory.url, environment: ["CLAUDE_CONFIG_DIR": directory.path("config").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("No conversation found with session ID: \(id)"))
    }

    @Test func oldVersionModeOmitsTheNewerHookFields() async throws {
        let sim = try AgentSimHarness()
        try await sim.start(["--old-version"])
        defer { sim.kill() }
        try await sim.waitForHook("SessionStart")
        try await sim.send("old times")
        let stop = try await sim.waitForHook("Stop")[0]
        let submit = try sim.hookEvents("UserPromptSubmit")[0]
        #expect(submit["prompt"] as? String == "old times")
        #expect(submit["prompt_id"] == nil)
        #expect(stop["prompt_id"] == nil && stop["last_assistant_message"] == nil && stop["background_tasks"] == nil && stop["effort"] == nil)
        #expect(stop["stop_hook_active"] as? Bool == false)
        let user = try sim.transcriptRecords().first { $0["type"] as? String == "user" }
        #expect(user?["promptId"] == nil)
        let version = try await runProduct("gw-agent-sim", ["--version", "--old-version"])
        #expect(version.stdout == "\(AgentSimHarness.oldVersion) (Claude Code)\n")
    }

    @Test func badCommandLinesAreRefusedWithClaudesMessages() async throws {
        let directory = TemporaryDirectory()
        let version = try await runProduct("gw-agent-sim", ["--version"])
        #expect(version.status == 0 && version.stdout == "2.1.332 (Claude Code)\n")
        let unknown = try await runProduct("gw-agent-sim", ["--no-such-flag"], in: directory.url)
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown option '--no-such-flag'"))
        let badID = try await runProduct("gw-agent-sim", ["--session-id", "not-a-uuid"], in: directory.url)
        #expect(badID.status == 1 && badID.stderr.contains("Invalid session ID"))
        let badSettings = try await runProduct("gw-agent-sim", ["--settings", "{not json"], in: directory.url)
        #expect(badSettings.status == 1 && badSettings.stderr.contains("Invalid JSON provided to --settings"))
        let badMode = try await runProduct("gw-agent-sim", ["--permission-mode", "yolo"], in: directory.url)
        #expect(badMode.status == 1 && badMode.stderr.contains("Allowed choices are"))
    }
}
