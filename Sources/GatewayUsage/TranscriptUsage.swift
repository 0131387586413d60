import Foundation

/// What one transcript line says about usage: a person's prompt (which turn the messages after it
/// belong to) or an assistant message's token counts. Claude Code splits one assistant message over
/// several lines that share `message.id` and repeat its usage, so the counts are keyed by that id.
public enum TranscriptUsageLine: Sendable, Equatable {
    case prompt(id: String)
    case message(MessageUsage)

    /// The line's meaning for usage, or nil for every other record (and for damaged JSON).
    public static func parse(_ line: Data) -> TranscriptUsageLine? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any],
              let type = object["type"] as? String, (object["isSidechain"] as? Bool) != true
        else { return nil }
        if type == "user" {
            guard let promptId = object["promptId"] as? String, !promptId.isEmpty, promptId.utf8.count <= 200 else { return nil }
            return .prompt(id: promptId)
        }
        guard type == "assistant", let message = object["message"] as? [String: Any],
              let usage = message["usage"] as? [String: Any],
              let id = message["id"] as? String, !id.isEmpty, id.utf8.count <= 200
        else { return nil }
        let model = (message["model"] as? String).map { String($0.prefix(100)) } ?? "unknown"
        // Claude Code writes `<synthetic>` for messages it made up itself (an API error shown as text):
        // no model ran, nothing was spent.
        guard model != "<synthetic>" else { return nil }
        return .message(MessageUsage(
            id: id, model: model,
            input: figure(usage["input_tokens"]), cacheWrite: figure(usage["cache_creation_input_tokens"]),
            cacheRead: figure(usage["cache_read_input_tokens"]), output: figure(usage["output_tokens"]),
            at: (object["timestamp"] as? String).flatMap(Self.timestamp)))
    }

    /// A token count as the transcript states it; a negative or absurd figure is damage and counts 0.
    static func figure(_ value: Any?) -> Int {
        guard let number = value as? NSNumber else { return 0 }
        let figure = number.doubleValue
        guard figure.isFinite, figure >= 0, figure < 1e12 else { return 0 }
        return number.intValue
    }

    static func timestamp(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}

/// The tokens one assistant message used.
public struct MessageUsage: Sendable, Equatable {
    public var id: String
    public var model: String
    public var input: Int
    public var cacheWrite: Int
    public var cacheRead: Int
    public var output: Int
    /// When the transcript says it was written; nil when it does not.
    public var at: Date?

    public init(id: String, model: String, input: Int, cacheWrite: Int, cacheRead: Int, output: Int, at: Date?) {
        self.id = id
        self.model = model
        self.input = input
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
        self.output = output
        self.at = at
    }
}
