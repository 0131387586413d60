import Foundation

/// One hook call from an agent: the event name and the JSON object it got on stdin. Parsing is
/// lenient — unknown fields are kept in `raw`, and the newer fields (`prompt_id`,
/// `last_assistant_message`) may be absent in older Claude Code versions.
public struct HookEvent: Sendable, Equatable {
    public var name: HookEventName
    /// The payload as received, except that a NUL byte — never valid in JSON, and where SQLite would
    /// cut the recorded text short — is written as the escape `\u0000`.
    public var raw: String
    public var sessionId: String?
    public var promptId: String?
    public var transcriptPath: String?
    public var cwd: String?
    public var prompt: String?
    public var lastAssistantMessage: String?
    public var source: String?
    public var error: String?
    public var reason: String?
    public var trigger: String?
    public var toolName: String?
    public var toolInput: String?

    /// Parses stdin JSON; a payload that is not a JSON object is kept raw with no fields.
    public init(name: HookEventName, json: String) {
        self.name = name
        raw = json.contains("\0") ? json.replacingOccurrences(of: "\0", with: "\\u0000") : json
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return }
        func text(_ key: String) -> String? {
            switch object[key] {
            case let string as String: string
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }
        sessionId = text("session_id")
        promptId = text("prompt_id")
        transcriptPath = text("transcript_path")
        cwd = text("cwd")
        prompt = text("prompt")
        lastAssistantMessage = text("last_assistant_message")
        source = text("source")
        reason = text("reason")
        trigger = text("trigger")
        toolName = text("tool_name")
        if let details = object["error_details"], let data = try? JSONSerialization.data(withJSONObject: details, options: [.fragmentsAllowed]) {
            let detail = String(decoding: data, as: UTF8.self)
            error = [text("error"), detail == "null" ? nil : detail].compactMap { $0 }.joined(separator: ": ")
        } else {
            error = text("error")
        }
        if let input = object["tool_input"], let data = try? JSONSerialization.data(withJSONObject: input, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) {
            toolInput = String(decoding: data, as: UTF8.self)
        }
    }

    /// Prompts compare after trimming surrounding whitespace and unifying line endings: a terminal
    /// may turn `\n` into `\r` on paste, and agents trim what they submit.
    public static func samePrompt(_ submitted: String, _ sent: String) -> Bool {
        normalize(submitted) == normalize(sent)
    }

    /// Claude Code trims the end of what it submits and turns each pasted tab into four spaces.
    static func normalize(_ text: String) -> String {
        unwrapPastes(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
            .replacingOccurrences(of: "\t", with: "    ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What Claude Code 2.1.332 submits for a pasted `text`: tabs as four spaces, trailing white space gone.
    public static func asSubmitted(_ text: String) -> String {
        String(text.replacingOccurrences(of: "\t", with: "    ").reversed().drop { $0.isWhitespace }.reversed())
    }

    /// Claude Code 2.1 submits a long paste (shown as `[Pasted text #1 +29 lines]`) wrapped as
    /// `\n\n<pasted_content id="8b1c">\nTEXT\n</pasted_content id="8b1c">\n`: the text inside is what was pasted.
    static let pastedContent = try! NSRegularExpression(
        pattern: #"\n*<pasted_content id="([^"]*)">\n(.*?)\n</pasted_content id="\1">\n?"#, options: [.dotMatchesLineSeparators])

    static func unwrapPastes(_ text: String) -> String {
        guard text.contains("<pasted_content") else { return text }
        return pastedContent.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$2")
    }
}
