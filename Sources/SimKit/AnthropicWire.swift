import Foundation

/// The Anthropic Messages API answer shapes the model double writes: Server-Sent Events for
/// `"stream": true`, one JSON message otherwise, and the error object.
public enum AnthropicWire {
    /// One Server-Sent Event: `event: NAME` and one `data:` line of JSON.
    public struct Event: Sendable, Equatable {
        public var name: String
        public var data: JSONValue

        public var text: String { "event: \(name)\ndata: \(data.jsonText)\n\n" }
    }

    /// A tool call as it goes on the wire.
    public struct ToolCall: Sendable, Equatable {
        public var id: String
        public var name: String
        public var input: JSONValue
    }

    /// Everything in one assistant message.
    public struct Message: Sendable {
        public var id: String
        public var model: String
        public var text: String
        public var tools: [ToolCall]
        /// The prompt's size in tokens, all of it: `usage` splits it into fresh input, cache writes and cache reads.
        public var inputTokens: Int
        /// A conversation's later requests re-read what the earlier ones cached, as the real API reports:
        /// half of the prompt is read from the cache once there is history, a quarter written to it.
        public var hasHistory = false

        public var cacheReadTokens: Int { hasHistory ? inputTokens / 2 : 0 }
        public var cacheWriteTokens: Int { inputTokens / 4 }
        public var freshInputTokens: Int { max(1, inputTokens - cacheReadTokens - cacheWriteTokens) }

        /// The usage the answer reports, once whole: what the request log records for it.
        public var usage: JSONValue { AnthropicWire.usage(self, output: outputTokens) }

        public var stopReason: String { tools.isEmpty ? "end_turn" : "tool_use" }
        public var outputTokens: Int { max(1, (text.utf8.count + tools.map { $0.input.jsonText.utf8.count }.reduce(0, +)) / 4) }

        var contentBlocks: [JSONValue] {
            var blocks: [JSONValue] = []
            if !text.isEmpty || tools.isEmpty { blocks.append(.object(["type": .string("text"), "text": .string(text)])) }
            for tool in tools {
                blocks.append(.object(["type": .string("tool_use"), "id": .string(tool.id), "name": .string(tool.name), "input": tool.input]))
            }
            return blocks
        }
    }

    /// The whole message for `"stream": false`.
    public static func json(_ message: Message) -> JSONValue {
        .object([
            "id": .string(message.id), "type": .string("message"), "role": .string("assistant"),
            "model": .string(message.model), "content": .array(message.contentBlocks),
            "stop_reason": .string(message.stopReason), "stop_sequence": .null,
            "usage": usage(message, output: message.outputTokens),
        ])
    }

    /// The event stream for `"stream": true`, text split into `textChunks` deltas (so a slow answer
    /// can be spread over time) and each tool input sent as two `input_json_delta` pieces, as a
    /// client must be able to join them.
    public static func events(_ message: Message, textChunks: Int = 1) -> [Event] {
        var events: [Event] = [
            Event(name: "message_start", data: .object(["type": .string("message_start"), "message": .object([
                "id": .string(message.id), "type": .string("message"), "role": .string("assistant"),
                "model": .string(message.model), "content": .array([]), "stop_reason": .null, "stop_sequence": .null,
                "usage": usage(message, output: 1),
            ])])),
            Event(name: "ping", data: .object(["type": .string("ping")])),
        ]
        var index = 0
        if !message.text.isEmpty || message.tools.isEmpty {
            events.append(blockStart(index, .object(["type": .string("text"), "text": .string("")])))
            for piece in split(message.text, into: textChunks) {
                events.append(blockDelta(index, .object(["type": .string("text_delta"), "text": .string(piece)])))
            }
            events.append(blockStop(index))
            index += 1
        }
        for tool in message.tools {
            events.append(blockStart(index, .object([
                "type": .string("tool_use"), "id": .string(tool.id), "name": .string(tool.name), "input": .object([:]),
            ])))
            for piece in split(tool.input.jsonText, into: 2) {
                events.append(blockDelta(index, .object(["type": .string("input_json_delta"), "partial_json": .string(piece)])))
            }
            events.append(blockStop(index))
            index += 1
        }
        events.append(Event(name: "message_delta", data: .object([
            "type": .string("message_delta"),
            "delta": .object(["stop_reason": .string(message.stopReason), "stop_sequence": .null]),
            "usage": .object(["output_tokens": .number(Double(message.outputTokens))]),
        ])))
        events.append(Event(name: "message_stop", data: .object(["type": .string("message_stop")])))
        return events
    }

    /// `{"type":"error","error":{"type":...,"message":...}}`.
    public static func error(type: String, message: String) -> JSONValue {
        .object(["type": .string("error"), "error": .object(["type": .string(type), "message": .string(message)])])
    }

    static func usage(_ message: Message, output: Int) -> JSONValue {
        .object([
            "input_tokens": .number(Double(message.freshInputTokens)), "output_tokens": .number(Double(output)),
            "cache_creation_input_tokens": .number(Double(message.cacheWriteTokens)),
            "cache_read_input_tokens": .number(Double(message.cacheReadTokens)),
        ])
    }

    static func blockStart(_ index: Int, _ block: JSONValue) -> Event {
        Event(name: "content_block_start", data: .object(["type": .string("content_block_start"), "index": .number(Double(index)), "content_block": block]))
    }

    static func blockDelta(_ index: Int, _ delta: JSONValue) -> Event {
        Event(name: "content_block_delta", data: .object(["type": .string("content_block_delta"), "index": .number(Double(index)), "delta": delta]))
    }

    static func blockStop(_ index: Int) -> Event {
        Event(name: "content_block_stop", data: .object(["type": .string("content_block_stop"), "index": .number(Double(index))]))
    }

    /// Splits text into at most `count` non-empty pieces on character boundaries (never inside a
    /// multi-byte character); empty text gives no pieces.
    static func split(_ text: String, into count: Int) -> [String] {
        let characters = Array(text)
        guard !characters.isEmpty else { return [] }
        let pieces = max(1, min(count, characters.count))
        let size = (characters.count + pieces - 1) / pieces
        return stride(from: 0, to: characters.count, by: size).map { String(characters[$0..<min($0 + size, characters.count)]) }
    }

    /// A rough token count: about four bytes of text per token.
    public static func estimateTokens(_ byteCount: Int) -> Int { max(1, byteCount / 4) }
}
