import Foundation
import Testing
@testable import SimKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads a Server-Sent Events body the way an Anthropic client does: `event:` and `data:` lines,
/// events separated by a blank line.
func parseSSE(_ text: String) throws -> [(name: String, data: JSONValue)] {
    var events: [(name: String, data: JSONValue)] = []
    for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
        var name = ""
        var data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        let json = try #require(JSONValue.parse(Data(data.utf8)), "event \(name) has no JSON data: \(block)")
        #expect(json["type"]?.stringValue == name, "the data type names the event")
        events.append((name, json))
    }
    return events
}

func post(_ server: ModelSimServer, _ path: String, _ body: JSONValue) async throws -> (status: Int, headers: [AnyHashable: Any], body: String) {
    var request = URLRequest(url: URL(string: "\(server.baseURL)\(path)")!)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body.jsonText.utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    return (http.statusCode, http.allHeaderFields, String(decoding: data, as: UTF8.self))
}

@Suite struct ModelSimServerTests {
    let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("model-sim-\(UUID().uuidString).jsonl")

    func logLines() throws -> [JSONValue] {
        try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n").map { try #require(JSONValue.parse(Data($0.utf8))) }
    }

    @Test func streamsTextAsServerSentEvents() async throws {
        let server = try ModelSimServer(rules: SimRules(), logFile: logFile)
        defer { server.stop(); try? FileManager.default.removeItem(at: logFile) }
        let answer = try await post(server, "/v1/messages?beta=true", requestJSON([userText("hello 世界")]))
        #expect(answer.status == 200)
        let events = try parseSSE(answer.body)
        #expect(events.map(\.name) == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        let start = events[0].data["message"]
        #expect(start?["role"]?.stringValue == "assistant")
        #expect(start?["model"]?.stringValue == "claude-test")
        #expect(start?["id"]?.stringValue?.hasPrefix("msg_") == true)
        #expect(start?["usage"]?["input_tokens"] != nil)
        #expect(events[2].data["content_block"] == .object(["type": .string("text"), "text": .string("")]))
        let text = events.compactMap { $0.data["delta"]?["text"]?.stringValue }.joined()
        #expect(text == "ECHO: hello 世界")
        #expect(events[5].data["delta"]?["stop_reason"]?.stringValue == "end_turn")
        #expect(events[5].data["usage"]?["output_tokens"] != nil)
        let log = try logLines()
        #expect(log.count == 1)
        #expect(log[0]["last_user_text"]?.stringValue == "hello 世界")
        #expect(log[0]["rule"] == .null)
        #expect(log[0]["system"]?.boolValue == true)
        #expect(log[0]["model"]?.stringValue == "claude-test")
    }

    @Test func streamsToolUseAndContinuesAfterTheResult() async throws {
        let rules = try SimRules.parse("""
            [[rule]]
            name = "writer"
            match = "write"
            tools = [{ name = "Write", input = { file_path = "/tmp/x.txt", content = "line 1\\n世界" } }]
            reply = "Written."
            """, file: "t.toml")
        let server = try ModelSimServer(rules: rules, logFile: logFile)
        defer { server.stop(); try? FileManager.default.removeItem(at: logFile) }
        let first = try parseSSE(try await post(server, "/v1/messages", requestJSON([userText("write it")])).body)
        #expect(first.map(\.name) == ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        let block = try #require(first[2].data["content_block"])
        #expect(block["type"]?.stringValue == "tool_use")
        #expect(block["name"]?.stringValue == "Write")
        let id = try #require(block["id"]?.stringValue)
        let json = first.compactMap { $0.data["delta"]?["partial_json"]?.stringValue }.joined()
        #expect(JSONValue.parse(Data(json.utf8)) == .object(["file_path": .string("/tmp/x.txt"), "content": .string("line 1\n世界")]))
        #expect(first[6].data["delta"]?["stop_reason"]?.stringValue == "tool_use")

        let second = try parseSSE(try await post(server, "/v1/messages", requestJSON([userText("write it"), assistantToolUse(id), toolResult(id)])).body)
        #expect(second.compactMap { $0.data["delta"]?["text"]?.stringValue }.joined() == "Written.")
        let log = try logLines()
        #expect(log.map { $0["tool_result"]?.boolValue } == [false, true])
        #expect(log.map { $0["continuation"]?.boolValue } == [false, true])
        #expect(log.map { $0["rule"]?.stringValue } == ["writer", "writer"])
    }

    @Test func answersPlainJSONWhenNotStreaming() async throws {
        let server = try ModelSimServer(rules: SimRules())
        defer { server.stop() }
        let answer = try await post(server, "/v1/messages", requestJSON([userText("plain")], stream: false))
        #expect(answer.status == 200)
        let message = try #require(JSONValue.parse(Data(answer.body.utf8)))
        #expect(message["type"]?.stringValue == "message")
        #expect(message["content"] == .array([.object(["type": .string("text"), "text": .string("ECHO: plain")])]))
        #expect(message["stop_reason"]?.stringValue == "end_turn")
    }

    @Test(arguments: [(400, "invalid_request_error"), (429, "rate_limit_error"), (500, "api_error"), (529, "overloaded_error")])
    func scriptedErrorsUseTheAnthropicShape(status: Int, type: String) async throws {
        let rules = try SimRules.parse("[[rule]]\nmatch = \"fail\"\nstatus = \(status)\nerror_message = \"scripted failure\"\n", file: "t.toml")
        let server = try ModelSimServer(rules: rules)
        defer { server.stop() }
        let answer = try await post(server, "/v1/messages?beta=true", requestJSON([userText("fail now")]))
        #expect(answer.status == status)
        #expect(JSONValue.parse(Data(answer.body.utf8)) == AnthropicWire.error(type: type, message: "scripted failure"))
        let retryAfter = answer.headers.first { ($0.key as? String)?.lowercased() == "retry-after" }?.value as? String
        #expect((retryAfter == "1") == (status == 429 || status == 529))
    }

    @Test func countsTokensAndRejectsOtherPaths() async throws {
        let server = try ModelSimServer(rules: SimRules(), logFile: logFile)
        defer { server.stop(); try? FileManager.default.removeItem(at: logFile) }
        let count = try await post(server, "/v1/messages/count_tokens?beta=true", requestJSON([userText(String(repeating: "word ", count: 200))]))
        #expect(count.status == 200)
        let tokens = try #require(JSONValue.parse(Data(count.body.utf8))?["input_tokens"])
        guard case .number(let number) = tokens else { Issue.record("input_tokens is not a number"); return }
        #expect(number > 200)
        let missing = try await post(server, "/v1/other", .object([:]))
        #expect(missing.status == 404)
        #expect(JSONValue.parse(Data(missing.body.utf8))?["error"]?["type"]?.stringValue == "not_found_error")
        let bad = try await post(server, "/v1/messages", .string("not an object"))
        #expect(bad.status == 400)
        var head = URLRequest(url: URL(string: "\(server.baseURL)/api/hello")!)
        head.httpMethod = "HEAD"
        let (_, headResponse) = try await URLSession.shared.data(for: head)
        #expect((headResponse as? HTTPURLResponse)?.statusCode == 200, "Claude Code's reachability check")
        #expect(try logLines().map { $0["status"] } == [.number(200), .number(404), .number(400), .number(200)])
    }

    @Test func aDelayedAnswerTakesAtLeastItsDelay() async throws {
        let rules = try SimRules.parse("[[rule]]\nmatch = \"slow\"\nreply = \"one two three four\"\ndelay = \"600ms\"\n", file: "t.toml")
        let server = try ModelSimServer(rules: rules)
        defer { server.stop() }
        let started = Date()
        let events = try parseSSE(try await post(server, "/v1/messages", requestJSON([userText("slow please")])).body)
        #expect(Date().timeIntervalSince(started) >= 0.55)
        #expect(events.compactMap { $0.data["delta"]?["text"]?.stringValue }.joined() == "one two three four")
        #expect(events.filter { $0.name == "content_block_delta" }.count > 1, "a slow answer arrives in several pieces")
    }

    @Test func structuredSideRequestsGetASchemaShapedAnswerAndLeaveRulesAlone() async throws {
        let rules = try SimRules.parse("[[rule]]\nmatch = \"tell me\"\nonce = true\nreply = \"scripted\"\n", file: "t.toml")
        let server = try ModelSimServer(rules: rules, logFile: logFile)
        defer { server.stop(); try? FileManager.default.removeItem(at: logFile) }
        // Shaped like Claude Code's session-title request: no tools, a schema for the answer.
        guard case .object(var title) = requestJSON([userText("<session>\ntell me something\n</session>\n\nWrite the title.")], stream: false, tools: 0) else { return }
        title["tools"] = nil
        title["output_config"] = .object(["format": .object(["type": .string("json_schema"), "schema": .object([
            "type": .string("object"), "properties": .object(["title": .object(["type": .string("string")])]),
            "required": .array([.string("title")]),
        ])])])
        let side = try await post(server, "/v1/messages", .object(title))
        let message = try #require(JSONValue.parse(Data(side.body.utf8)))
        let text = try #require(message["content"]?.arrayValue?.first?["text"]?.stringValue)
        let answer = try #require(JSONValue.parse(Data(text.utf8)))
        #expect(answer["title"]?.stringValue?.isEmpty == false)
        // The once rule is still there for the prompt itself.
        let main = try await post(server, "/v1/messages", requestJSON([userText("tell me something")], stream: false))
        #expect(JSONValue.parse(Data(main.body.utf8))?["content"]?.arrayValue?.first?["text"]?.stringValue == "scripted")
        #expect(try logLines().map { $0["structured"]?.boolValue } == [true, false])
    }
}
