import Foundation

/// Reads Claude Code's JSONL transcripts. The format is internal to Claude Code and changes between
/// versions, so the reader is lenient: unknown record types, split assistant messages (several lines
/// sharing `message.id`), sidechains and meta records are all normal and skipped where they don't matter.
public enum TranscriptReader {
    /// Where Claude keeps a session's transcript: `<config dir>/projects/<cwd, non-alphanumerics as '-'>/<id>.jsonl`.
    public static func path(configDirectory: URL, cwd: String, sessionId: String) -> URL {
        folder(configDirectory: configDirectory, cwd: cwd).appendingPathComponent("\(sessionId).jsonl")
    }

    /// The folder holding every session transcript of one working folder.
    public static func folder(configDirectory: URL, cwd: String) -> URL {
        let name = String(cwd.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        return configDirectory.appendingPathComponent("projects").appendingPathComponent(name)
    }

    /// One conversational record: a person's prompt or the agent's text.
    public struct Entry: Sendable, Equatable {
        public enum Role: String, Sendable { case user, assistant }
        public var role: Role
        public var text: String
        public var messageId: String?
        public var promptId: String?
        public var timestamp: String?
        /// The record's own id (`uuid`); older transcripts may lack it.
        public var uuid: String?

        public init(role: Role, text: String, messageId: String? = nil, promptId: String? = nil, timestamp: String? = nil, uuid: String? = nil) {
            self.role = role
            self.text = text
            self.messageId = messageId
            self.promptId = promptId
            self.timestamp = timestamp
            self.uuid = uuid
        }
    }

    /// The prompts and assistant texts of a transcript, in order, with tool traffic left out.
    public static func entries(_ contents: String) -> [Entry] {
        contents.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0.utf8.count <= TranscriptAccess.maxLineBytes }
            .compactMap { entry(line: Data($0.utf8)) }
    }

    /// The entry one JSONL line holds, or nil for anything that is not a person's prompt or the agent's
    /// text: other record types, sidechains (subagents), meta records, compaction summaries, tool traffic.
    public static func entry(line: Data) -> Entry? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any],
              let type = object["type"] as? String, type == "user" || type == "assistant",
              (object["isSidechain"] as? Bool) != true, (object["isMeta"] as? Bool) != true,
              (object["isCompactSummary"] as? Bool) != true, (object["isVisibleInTranscriptOnly"] as? Bool) != true,
              let message = object["message"] as? [String: Any]
        else { return nil }
        let text = texts(of: message["content"])
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        if type == "user" && isSyntheticPrompt(text) { return nil }
        return Entry(role: type == "user" ? .user : .assistant, text: text,
                     messageId: message["id"] as? String, promptId: object["promptId"] as? String,
                     timestamp: object["timestamp"] as? String, uuid: object["uuid"] as? String)
    }

    /// The context the model saw on an assistant record: fresh input plus cache reads and writes, as
    /// its `message.usage` reports them; nil for other records.
    public static func contextTokens(line: Data) -> Int? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any],
              object["type"] as? String == "assistant", (object["isSidechain"] as? Bool) != true,
              let usage = (object["message"] as? [String: Any])?["usage"] as? [String: Any]
        else { return nil }
        let keys = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
        let figures = keys.compactMap { tokenFigure(usage[$0]) }
        return figures.isEmpty ? nil : figures.reduce(0, +)
    }

    /// A token count as a transcript states it. A window holds at most a few million tokens, so a
    /// negative figure or one near 64 bits is damage, left out — adding it would trap on overflow.
    static func tokenFigure(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let figure = number.doubleValue
        guard figure.isFinite, figure >= 0, figure < 1e15 else { return nil }
        return number.intValue
    }

    /// The final text of the last turn: after the last real prompt, the text blocks of the last
    /// assistant message (joined, since one message may be split over several lines).
    public static func lastReply(_ contents: String) -> String? {
        let all = entries(contents)
        guard let lastPrompt = all.lastIndex(where: { $0.role == .user }) else { return nil }
        let replies = all[(lastPrompt + 1)...].filter { $0.role == .assistant }
        guard let last = replies.last else { return nil }
        guard let id = last.messageId else { return last.text }
        return replies.filter { $0.messageId == id }.map(\.text).joined(separator: "\n")
    }

    /// The last reply in the end of the file (`TranscriptAccess.maxReadBytes` of it at most).
    public static func lastReply(at url: URL) -> String? {
        guard let tail = try? TranscriptAccess.read(url, from: nil) else { return nil }
        return lastReply(String(decoding: tail.data, as: UTF8.self))
    }

    /// Text blocks only: `tool_use`, `tool_result` and `thinking` are tool noise for a reader.
    static func texts(of content: Any?) -> String {
        if let string = content as? String { return string }
        guard let blocks = content as? [[String: Any]] else { return "" }
        return blocks.compactMap { block in
            (block["type"] as? String) == "text" ? block["text"] as? String : nil
        }.joined(separator: "\n")
    }

    /// Records Claude writes as "user" that no person typed: command echoes, interruption notes, reminders.
    static func isSyntheticPrompt(_ text: String) -> Bool {
        text.hasPrefix("<command-") || text.hasPrefix("<local-command") || text.hasPrefix("[Request interrupted")
            || text.hasPrefix("<system-reminder>") || text.hasPrefix("Caveat: The messages below")
    }
}
