import Foundation
import Testing
@testable import SimKit

/// Builds a Messages API request body the way Claude Code shapes it.
func requestJSON(_ messages: [JSONValue], stream: Bool = true, system: Bool = true, tools: Int = 2) -> JSONValue {
    var object: [String: JSONValue] = [
        "model": .string("claude-test"), "max_tokens": .number(1024), "stream": .bool(stream), "messages": .array(messages),
        "tools": .array((0..<tools).map { .object(["name": .string("Tool\($0)")]) }),
    ]
    if system { object["system"] = .array([.object(["type": .string("text"), "text": .string("You are Claude Code.")])]) }
    return .object(object)
}

func userText(_ texts: String...) -> JSONValue {
    .object(["role": .string("user"), "content": .array(texts.map { .object(["type": .string("text"), "text": .string($0)]) })])
}

func toolResult(_ id: String, extraText: String? = nil) -> JSONValue {
    var blocks: [JSONValue] = [.object(["type": .string("tool_result"), "tool_use_id": .string(id), "content": .string("ok")])]
    if let extraText { blocks.append(.object(["type": .string("text"), "text": .string(extraText)])) }
    return .object(["role": .string("user"), "content": .array(blocks)])
}

func assistantToolUse(_ id: String) -> JSONValue {
    .object(["role": .string("assistant"), "content": .array([.object(["type": .string("tool_use"), "id": .string(id), "name": .string("Write"), "input": .object([:])])])])
}

@Suite struct SimRuleBookTests {
    @Test func lastUserTextSkipsSystemRemindersAndToolResults() {
        let request = MessagesRequest(json: requestJSON([
            userText("first"),
            .object(["role": .string("assistant"), "content": .string("ok")]),
            userText("<system-reminder>\ncontext\n</system-reminder>", "second 世界\nline two", "  <system-reminder>late</system-reminder>"),
        ]))
        #expect(request.lastUserText == "second 世界\nline two")
        #expect(!request.endsWithToolResult)
        #expect(request.hasSystem && request.toolCount == 2 && request.messageCount == 3)
        let plain = MessagesRequest(json: requestJSON([.object(["role": .string("user"), "content": .string("as a string")])], system: false))
        #expect(plain.lastUserText == "as a string")
        #expect(!plain.hasSystem)
        let continued = MessagesRequest(json: requestJSON([userText("do it"), assistantToolUse("toolu_x"), toolResult("toolu_x", extraText: "<system-reminder>r</system-reminder>")]))
        #expect(continued.endsWithToolResult)
        #expect(continued.toolResultIDs == ["toolu_x"])
        #expect(continued.lastUserText == "do it")
    }

    @Test func echoesWhenNoRuleMatches() {
        let book = SimRuleBook(SimRules())
        let decision = book.decide(MessagesRequest(json: requestJSON([userText("hello 世界")])))
        #expect(decision.rule == nil)
        #expect(decision.text == "ECHO: hello 世界")
    }

    @Test func substringRegexOrderAndOnce() throws {
        let rules = try SimRules.parse("""
            [[rule]]
            match = "pay"
            once = true
            reply = "first time"
            [[rule]]
            regex = "^pa[y]+ \\\\d+$"
            reply = "regex"
            [[rule]]
            match = "pay"
            reply = "later"
            """, file: "t.toml")
        let book = SimRuleBook(rules)
        func answer(_ text: String) -> String { book.decide(MessagesRequest(json: requestJSON([userText(text)]))).text }
        #expect(answer("please pay 5") == "first time")
        #expect(answer("pay 5") == "regex")
        #expect(answer("please pay 5") == "later")
        #expect(answer("nothing") == "ECHO: nothing")
    }

    @Test func toolResultsContinueTheRuleThroughSeveralRounds() throws {
        let rules = try SimRules.parse("""
            [[rule]]
            match = "other"
            reply = "not me"
            [[rule]]
            match = "commit"
            [[rule.step]]
            tools = [{ name = "Write", input = { file_path = "n.txt", content = "x" } }]
            [[rule.step]]
            tools = [{ name = "Bash", input = { command = "git commit" } }]
            [[rule.step]]
            reply = "Committed."
            """, file: "t.toml")
        let book = SimRuleBook(rules)
        let first = book.decide(MessagesRequest(json: requestJSON([userText("please commit")])))
        #expect(first.rule?.index == 1 && first.stepIndex == 0 && !first.continuation)
        #expect(first.step.tools.map(\.name) == ["Write"])
        #expect(first.text == "")
        let firstID = SimRules.toolUseID(rule: 1, step: 0, call: 0)
        let second = book.decide(MessagesRequest(json: requestJSON([userText("please commit"), assistantToolUse(firstID), toolResult(firstID)])))
        #expect(second.continuation && second.stepIndex == 1)
        #expect(second.step.tools.map(\.name) == ["Bash"])
        let secondID = SimRules.toolUseID(rule: 1, step: 1, call: 0)
        let third = book.decide(MessagesRequest(json: requestJSON([userText("please commit"), assistantToolUse(firstID), toolResult(firstID), assistantToolUse(secondID), toolResult(secondID)])))
        #expect(third.text == "Committed.")
        #expect(third.step.tools.isEmpty)
        // A tool result the double did not ask for is matched by text like any request.
        let foreign = book.decide(MessagesRequest(json: requestJSON([userText("other thing"), assistantToolUse("toolu_01"), toolResult("toolu_01")])))
        #expect(foreign.text == "not me")
    }

    @Test func toolUseIDsNameTheirRuleAndStep() {
        let id = SimRules.toolUseID(rule: 12, step: 3, call: 1)
        #expect(SimRules.origin(ofToolUseID: id)! == (12, 3))
        #expect(SimRules.origin(ofToolUseID: "toolu_01ABC") == nil)
    }
}

/// `chance` rules: a seeded share of the prompts, the same share again from the same seed.
@Suite struct SimRuleChanceTests {
    static let text = """
        seed = 7

        [[rule]]
        name = "flaky"
        chance = 0.3
        status = 529
        should_retry = false
        """

    func failures(_ rules: SimRules, prompts: Int) -> [Int] {
        let book = SimRuleBook(rules)
        return (0..<prompts).filter { book.decide(MessagesRequest(json: requestJSON([userText("turn \($0)")]))).rule != nil }
    }

    @Test func aSeededShareOfPromptsReplaysFromTheSeed() throws {
        let rules = try SimRules.parse(Self.text, file: "chance.toml")
        #expect(rules.seed == 7 && rules.seedGiven)
        let first = failures(rules, prompts: 1000)
        #expect((220...380).contains(first.count), "\(first.count) of 1000 for chance 0.3")
        #expect(failures(try SimRules.parse(Self.text, file: "chance.toml"), prompts: 1000) == first)
        let other = failures(try SimRules.parse(Self.text.replacingOccurrences(of: "seed = 7", with: "seed = 8"), file: "chance.toml"), prompts: 1000)
        #expect(other != first)
    }

    @Test func theSamePromptAgainGetsAFreshDraw() throws {
        let book = SimRuleBook(try SimRules.parse(Self.text, file: "chance.toml"))
        let taken = (0..<200).filter { _ in book.decide(MessagesRequest(json: requestJSON([userText("same prompt")]))).rule != nil }
        #expect(taken.count > 20 && taken.count < 200)
    }

    @Test(arguments: ["chance = 0", "chance = 1.5", "chance = \"often\""])
    func aBadChanceNamesTheKey(line: String) {
        do {
            _ = try SimRules.parse("[[rule]]\n\(line)\nreply = \"x\"\n", file: "bad.toml")
            Issue.record("\(line) was accepted")
        } catch {
            #expect(error.message.contains("bad.toml:1: rule 1 (key \"chance\")"), "\(error.message)")
        }
    }

    @Test func aBadSeedIsRefused() {
        do {
            _ = try SimRules.parse("seed = \"x\"\n[[rule]]\nreply = \"x\"\n", file: "bad.toml")
            Issue.record("a string seed was accepted")
        } catch {
            #expect(error.message.contains("bad.toml: seed must be a whole number"))
        }
    }
}
