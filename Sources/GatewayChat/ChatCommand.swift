import Foundation

/// What Gateway answers itself in a chat instead of passing it to the Mayor. Only a message that is
/// exactly one of these words (in a group, perhaps with `@botname` after it) is a command: any other
/// text starting with `/` reaches the Mayor as the literal text it is.
public enum ChatCommand: String, Sendable, CaseIterable {
    case status, beat, cancel, help

    public init?(message text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/"), !trimmed.contains(where: \.isWhitespace) else { return nil }
        let word = trimmed.dropFirst().split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        self.init(rawValue: word.lowercased())
    }

    public static let helpText = """
        Write to the Mayor here as you would in its terminal: each message becomes its turn, and its answer comes back as a reply. Messages sent while it works go together as its next turn.

        /status — the Mayor's state, the last heartbeat and what waits
        /beat — run the heartbeat now
        /cancel — drop your messages that wait, or stop the turn it is working on
        /help — this text
        """
}

/// The header line each chat message carries into the Mayor's turn, which the Mayor's priming
/// explains: who wrote it and when. What follows the line is the message's text, as written.
public enum ChatTurnText {
    /// `attachment`: the line that says where the file the message carried was saved, or why it was
    /// not; it goes under the header, before the text (a caption).
    public static func block(text: String?, userId: Int64?, name: String?, at date: Date, timeZone: TimeZone, attachment: String? = nil) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let who = [name.map { PlainTextLine.clean($0) }, userId.map { "id \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let words = text.flatMap { $0.isEmpty ? nil : $0 }
        let body = [attachment, words ?? (attachment == nil ? "(a message with no text)" : nil)].compactMap { $0 }.joined(separator: "\n")
        return "\(header) from \(who.isEmpty ? "the owner" : who), \(formatter.string(from: date))]\n\(body)"
    }

    /// How every chat message's header line begins.
    public static let header = "[Telegram message"

    /// How the line naming a message's attachment begins.
    public static let attachmentHeader = "[Attachment"

    /// What the Mayor is told about chat messages when its session starts.
    public static let priming = "- A block that starts with a line like `\(header) from …, YYYY-MM-DD HH:MM]` is a message your owner sent from Telegram. Gateway sends your reply back to that chat as a reply to it, so answer as in a chat. Several such blocks in one message arrived while you were busy: answer them together, the last one last. A line `\(attachmentHeader) …]` under the header names a photo, document or voice message it carried, saved in your hook's inbox/ folder: read it there."
}

/// A name as it may appear in a header line: one line, short, without brackets that could end it.
enum PlainTextLine {
    static func clean(_ text: String) -> String {
        let flat = text.map { $0.isNewline || $0 == "]" || $0 == "[" ? " " : $0 }
        return String(String(flat).prefix(64))
    }
}
