import Foundation
import LoopbackHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gw-model-sim's server — a TEST DOUBLE of the Anthropic Messages API on loopback, answering from
/// scripted rules (docs/sim-rules.md) and logging every request as one JSON line.
public final class ModelSimServer: @unchecked Sendable {
    public let book: SimRuleBook
    private let log: SimRequestLog?
    private var server: LoopbackHTTPServer?
    private let counter = SimCounter()

    /// Starts listening on 127.0.0.1:`port` (0 picks a free one).
    public init(rules: SimRules, port: UInt16 = 0, logFile: URL? = nil) throws {
        book = SimRuleBook(rules)
        log = try logFile.map { try SimRequestLog($0) }
        server = try LoopbackHTTPServer(port: port) { [weak self] request, writer in
            self?.handle(request, writer)
        }
    }

    public var port: UInt16 { server?.port ?? 0 }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func stop() { server?.stop() }

    deinit { server?.stop() }

    func handle(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        switch (request.method, request.path) {
        case ("POST", "/v1/messages"):
            messages(request, writer)
        case ("HEAD", _):
            // Claude Code checks that its API host answers (HEAD /api/hello) unless non-essential
            // traffic is off. A HEAD answer has no body, or the keep-alive connection would go out of step.
            log?.append(["method": .string(request.method), "path": .string(request.path), "status": .number(200)])
            writer.respond(status: 200)
        case ("POST", "/v1/messages/count_tokens"):
            let tokens = AnthropicWire.estimateTokens(request.body.count)
            log?.append(["path": .string(request.path), "status": .number(200), "input_tokens": .number(Double(tokens))])
            writer.respond(status: 200, json: JSONValue.object(["input_tokens": .number(Double(tokens))]).jsonText)
        default:
            log?.append(["method": .string(request.method), "path": .string(request.path), "status": .number(404)])
            let body = AnthropicWire.error(type: "not_found_error", message: "gw-model-sim serves POST /v1/messages and /v1/messages/count_tokens, not \(request.method) \(request.path)")
            writer.respond(status: 404, json: body.jsonText)
        }
    }

    private func messages(_ http: HTTPRequest, _ writer: HTTPResponseWriter) {
        guard let request = MessagesRequest(body: http.body) else {
            log?.append(["path": .string(http.path), "status": .number(400), "error": .string("body is not a JSON object")])
            writer.respond(status: 400, json: AnthropicWire.error(type: "invalid_request_error", message: "gw-model-sim: the body is not a JSON object").jsonText)
            return
        }
        // Structured side requests get a schema-shaped answer and never use up a rule meant for a prompt.
        let decision = request.outputSchema.map { schema in
            SimDecision(rule: nil, stepIndex: 0, step: SimStep(), continuation: false,
                        text: StructuredAnswer.make(schema, text: request.lastUserText).jsonText)
        } ?? book.decide(request)
        var entry: [String: JSONValue] = [
            "path": .string(http.path), "model": .string(request.model), "system": .bool(request.hasSystem),
            "tools": .number(Double(request.toolCount)), "messages": .number(Double(request.messageCount)),
            "stream": .bool(request.stream), "last_user_text": .string(request.lastUserText),
            "tool_result": .bool(request.endsWithToolResult), "continuation": .bool(decision.continuation),
            "rule": decision.rule.map { .string($0.label) } ?? .null, "step": .number(Double(decision.stepIndex)),
            "structured": .bool(request.outputSchema != nil),
        ]
        if let error = decision.step.error {
            entry["status"] = .number(Double(error.status))
            log?.append(entry)
            hold(decision.step.holdUntil, writer: nil)
            pause(decision.step.delay, writer: nil)
            var headers = ["Content-Type": "application/json", "request-id": "req_gwsim_\(counter.next())"]
            if let retryAfter = error.retryAfter { headers["retry-after"] = String(Int(retryAfter.rounded(.up))) }
            if let shouldRetry = error.shouldRetry { headers["x-should-retry"] = shouldRetry ? "true" : "false" }
            writer.respond(status: error.status, headers: headers, body: Data(AnthropicWire.error(type: error.type, message: error.message).jsonText.utf8))
            return
        }
        entry["status"] = .number(200)
        let number = counter.next()
        let ruleIndex = decision.rule?.index ?? -1
        let message = AnthropicWire.Message(
            id: "msg_gwsim_\(number)", model: request.model, text: decision.text,
            tools: decision.step.tools.enumerated().map { call, tool in
                AnthropicWire.ToolCall(id: SimRules.toolUseID(rule: ruleIndex, step: decision.stepIndex, call: call), name: tool.name, input: tool.input)
            },
            inputTokens: AnthropicWire.estimateTokens(http.body.count), hasHistory: request.messageCount > 1)
        // What the answer bills, as its id and usage: a conversation's totals are checked against these.
        entry["message_id"] = .string(message.id)
        entry["usage"] = message.usage
        log?.append(entry)
        guard request.stream else {
            hold(decision.step.holdUntil, writer: nil)
            pause(decision.step.delay, writer: nil)
            writer.respond(status: 200, json: AnthropicWire.json(message).jsonText)
            return
        }
        stream(message, delay: decision.step.delay, holdUntil: decision.step.holdUntil, writer: writer)
    }

    /// Streams the events; a delay is spread over the text deltas (about ten a second), or spent
    /// before the content when there is no text, with pings so the client sees a live stream.
    private func stream(_ message: AnthropicWire.Message, delay: Double, holdUntil: String?, writer: HTTPResponseWriter) {
        let chunks = delay > 0 ? max(1, Int(delay * 10)) : 1
        let events = AnthropicWire.events(message, textChunks: chunks)
        let textDeltas = events.filter { $0.name == "content_block_delta" && $0.data["delta"]?["type"]?.stringValue == "text_delta" }.count
        writer.startStream(headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "request-id": "req_gwsim_\(counter.next())"])
        hold(holdUntil, writer: writer)
        for event in events {
            guard writer.connected else { return }
            let isTextDelta = event.name == "content_block_delta" && event.data["delta"]?["type"]?.stringValue == "text_delta"
            if delay > 0 {
                if textDeltas > 0, isTextDelta { pause(delay / Double(textDeltas), writer: writer) }
                if textDeltas == 0, event.name == "content_block_start" { pause(delay, writer: writer) }
            }
            writer.write(event.text)
        }
        writer.finish()
    }

    /// Waits until the file at `path` exists (at once without one), pinging a stream every second and
    /// stopping early when the client has gone.
    private func hold(_ path: String?, writer: HTTPResponseWriter?) {
        guard let path else { return }
        var waited = 0
        while !FileManager.default.fileExists(atPath: path) {
            Thread.sleep(forTimeInterval: 0.1)
            waited += 1
            if let writer, waited.isMultiple(of: 10) {
                guard writer.connected else { return }
                writer.write(AnthropicWire.Event(name: "ping", data: .object(["type": .string("ping")])).text)
            }
        }
    }

    /// Sleeps `seconds`, sending a ping at least every second on a stream, and stopping early when
    /// the client has gone.
    private func pause(_ seconds: Double, writer: HTTPResponseWriter?) {
        var left = seconds
        while left > 0 {
            let slice = min(left, 1)
            Thread.sleep(forTimeInterval: slice)
            left -= slice
            if let writer {
                guard writer.connected else { return }
                if left > 0 { writer.write(AnthropicWire.Event(name: "ping", data: .object(["type": .string("ping")])).text) }
            }
        }
    }
}

/// Numbers for message and request ids, unique within one server.
final class SimCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// The JSONL request log: one line per request, each written with a single append-mode write under a
/// lock, so lines never interleave and a reader that truncates the file does not leave a hole.
final class SimRequestLog: @unchecked Sendable {
    private let descriptor: Int32
    private let path: String
    private let lock = NSLock()
    /// Timestamps with milliseconds, so tests can order requests that come close together. Used
    /// under the lock only: the formatter is not thread-safe.
    private let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    init(_ url: URL) throws {
        path = url.path
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else {
            throw SimRulesError("could not open the log file \(url.path) for appending: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func append(_ fields: [String: JSONValue]) {
        lock.withLock {
            var entry = fields
            entry["time"] = .string(formatter.string(from: Date()))
            let line = Array((JSONValue.object(entry).jsonText + "\n").utf8)
            var offset = 0
            while offset < line.count {
                let written = line[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else {
                    FileHandle.standardError.write(Data("gw-model-sim: could not write to the log \(path): \(String(cString: strerror(errno)))\n".utf8))
                    return
                }
                offset += written
            }
        }
    }
}
