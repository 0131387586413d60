import Foundation
import Testing
@testable import SimKit

@Suite struct SimRulesTests {
    static let sample = """
        # Scripted answers for a test.
        [[rule]]
        name = "greeting"
        match = "hello"
        reply = "Hi there."

        [[rule]]
        regex = "^write (\\\\w+)$"
        once = true
        tools = [{ name = "Write", input = { file_path = "/tmp/a.txt", content = "hi" } }]
        reply = "Written."

        [[rule]]
        match = "json input"
        tools = [{ name = "Bash", input = '{"command": "echo hi"}' }]

        [[rule]]
        match = "slow"
        reply = "eventually"
        delay = "1500ms"

        [[rule]]
        match = "busy"
        status = 529
        should_retry = false

        [[rule]]
        match = "commit"
        [[rule.step]]
        reply = "Writing first."
        tools = [{ name = "Write", input = { file_path = "n.txt", content = "x" } }]
        [[rule.step]]
        tools = [{ name = "Bash", input = { command = "git commit -qam n" } }]
        [[rule.step]]
        reply = "Committed."

        [[rule]]
        match = "agent only"
        crash = true
        hang = false
        stop_failure = "rate_limit"
        ignore_first_enter = true
        permission_prompt = { tool = "Bash", input = { command = "rm -rf /" } }
        """

    @Test func aHeldAnswerNamesItsFile() throws {
        let rules = try SimRules.parse("[[rule]]\nmatch = \"slow\"\nreply = \"Done.\"\nhold_until = \"/tmp/gate\"\ndelay = \"1s\"\n", file: "rules.toml").rules
        #expect(rules[0].steps == [SimStep(reply: "Done.", delay: 1, holdUntil: "/tmp/gate")])
    }

    @Test func parsesEveryKindOfRule() throws {
        let rules = try SimRules.parse(Self.sample, file: "rules.toml").rules
        #expect(rules.count == 7)
        #expect(rules[0].label == "greeting")
        #expect(rules[0].line == 2)
        #expect(rules[0].steps == [SimStep(reply: "Hi there.")])
        #expect(rules[1].label == "rule 2")
        #expect(rules[1].once)
        #expect(rules[1].steps.count == 2)
        #expect(rules[1].steps[0].tools == [SimToolUse(name: "Write", input: .object(["file_path": .string("/tmp/a.txt"), "content": .string("hi")]))])
        #expect(rules[1].steps[1].reply == "Written.")
        #expect(rules[2].steps[0].tools[0].input == .object(["command": .string("echo hi")]))
        #expect(rules[2].steps[1].reply == SimStep.afterToolsReply)
        #expect(rules[3].steps[0].delay == 1.5)
        #expect(rules[4].steps[0].error == SimError(status: 529, type: "overloaded_error", message: "gw-model-sim: scripted 529 error", retryAfter: 1, shouldRetry: false))
        #expect(rules[5].steps.count == 3)
        #expect(rules[5].steps[1].tools.first?.name == "Bash")
        let agent = rules[6].agent
        #expect(agent.crash && !agent.hang && agent.ignoreFirstEnter)
        #expect(agent.stopFailure == "rate_limit")
        #expect(agent.permissionPrompt == SimPermissionPrompt(tool: "Bash", input: .object(["command": .string("rm -rf /")])))
    }

    @Test(arguments: [
        ("[[rule]]\nmatch = \"a\"\nrepyl = \"x\"\n", "rules.toml:1: rule 1: unknown key \"repyl\""),
        ("[[rule]]\nmatch = \"a\"\n\n[[rule]]\nregex = \"(\"\n", "rules.toml:4: rule 2 (key \"regex\")"),
        ("[[rule]]\nstatus = 200\n", "(key \"status\"): 200 is not an HTTP error status"),
        ("[[rule]]\ndelay = \"soon\"\n", "(key \"delay\"): not a duration"),
        ("[[rule]]\nmatch = 3\n", "(key \"match\"): must be a string"),
        ("[[rule]]\ntools = [{ input = {} }]\n", "needs name"),
        ("[[rule]]\ntools = [{ name = \"Bash\", input = \"not json\" }]\n", "not a JSON object"),
        ("[[rule]]\nreply = \"a\"\n[[rule.step]]\nreply = \"b\"\n", "puts \"reply\" inside a step"),
        ("[[rule]]\nerror_message = \"x\"\n", "only meaningful with \"status\""),
        ("[[rule]]\nmatch = \"a\n", "rules.toml:2: not valid TOML"),
        ("[rules]\nmatch = \"a\"\n", "unknown top-level key \"rules\""),
    ])
    func badRulesAreReportedWithFileLineAndKey(text: String, expected: String) {
        #expect {
            try SimRules.parse(text, file: "rules.toml")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func loadsFromTheEnvironmentWhenNoPathIsGiven() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sim-rules-\(UUID().uuidString).toml")
        try "[[rule]]\nreply = \"from env\"\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let rules = try SimRules.load(path: nil, environment: ["GW_SIM_RULES": file.path])
        #expect(rules.rules.first?.steps.first?.reply == "from env")
        #expect(try SimRules.load(path: nil, environment: [:]).rules.isEmpty)
        #expect(throws: SimRulesError.self) { try SimRules.load(path: "/nonexistent/rules.toml", environment: [:]) }
    }

    @Test func durations() {
        #expect(SimDuration.seconds("300ms") == 0.3)
        #expect(SimDuration.seconds("2s") == 2)
        #expect(SimDuration.seconds("1.5m") == 90)
        #expect(SimDuration.seconds("4") == 4)
        #expect(SimDuration.seconds("-1s") == nil)
        #expect(SimDuration.seconds("later") == nil)
    }

    @Test func theExamplesInTheDocsParse() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/sim-rules.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let blocks = text.components(separatedBy: "```toml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count == 3)
        for block in blocks {
            let rules = try SimRules.parse(block, file: "docs/sim-rules.md")
            #expect(!rules.rules.isEmpty)
        }
    }
}
