import Foundation

/// What the doubles need from an Anthropic Messages API request body, read leniently: unknown fields
/// and block types are ignored.
public struct MessagesRequest: Sendable {
    public var model: String
    public var stream: Bool
    /// True when the request carries a non-empty `system` prompt.
    public var hasSystem: Bool
    public var messageCount: Int
    public var toolCount: Int
    /// The last text block, among user messages read from the end, that is not a `<system-reminder>`;
    /// "" when there is none. For a tool-result request this is still the prompt that started the turn.
    public var lastUserText: String
    /// True when the last message is a user message carrying `tool_result` blocks.
    public var endsWithToolResult: Bool
    /// The `tool_use_id`s of those results.
    public var toolResultIDs: [String]
    /// The JSON schema the answer must follow (`output_config.format` of type `json_schema`), as
    /// Claude Code's side requests ask (the session title, for one).
    public var outputSchema: JSONValue?

    public init(json: JSONValue) {
        model = json["model"]?.stringValue ?? "unknown"
        stream = json["stream"]?.boolValue ?? false
        switch json["system"] {
        case .string(let text): hasSystem = !text.isEmpty
        case .array(let blocks): hasSystem = !blocks.isEmpty
        default: hasSystem = false
        }
        let messages = json["messages"]?.arrayValue ?? []
        messageCount = messages.count
        toolCount = json["tools"]?.arrayValue?.count ?? 0
        lastUserText = Self.lastUserText(messages)
        var ids: [String] = []
        if let last = messages.last, last["role"]?.stringValue == "user" {
            for block in last["content"]?.arrayValue ?? [] where block["type"]?.stringValue == "tool_result" {
                ids.append(block["tool_use_id"]?.stringValue ?? "")
            }
        }
        toolResultIDs = ids
        endsWithToolResult = !ids.isEmpty
        let format = json["output_config"]?["format"]
        outputSchema = format?["type"]?.stringValue == "json_schema" ? format?["schema"] : nil
    }

    /// Parses a request body; nil when it is not a JSON object.
    public init?(body: Data) {
        guard let json = JSONValue.parse(body), case .object = json else { return nil }
        self.init(json: json)
    }

    static func lastUserText(_ messages: [JSONValue]) -> String {
        for message in messages.reversed() where message["role"]?.stringValue == "user" {
            let texts: [String]
            switch message["content"] {
            case .string(let text): texts = [text]
            case .array(let blocks):
                texts = blocks.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
            default: texts = []
            }
            if let text = texts.last(where: { !isSystemReminder($0) }) { return text }
        }
        return ""
    }

    /// Claude Code adds context as text blocks wrapped in `<system-reminder>`; they are not what the
    /// person typed.
    public static func isSystemReminder(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<system-reminder>")
    }
}
