import Foundation
import GatewayCore

/// The rules every prompt obeys before it is stored and typed into an agent, whatever its source (a
/// person's `gw mayor send`, a heartbeat, a sling, a chat message):
///
/// - **Characters**: `PlainText`'s one rule — line breaks become LF; controls other than tab and
///   newline, and invisible characters outside emoji, are removed. So a prompt can never end a
///   bracketed paste early (`ESC[201~` loses its ESC), press a key, or cut text at a NUL, and the
///   ledger, the hooks and the daily logs store the same text.
/// - **Never a command**: Claude Code reads input whose first visible character is `/` (a command),
///   `!` (a shell line) or `@` (a file attachment) as something other than a message. Such text goes in
///   behind a one-line label, so it arrives as the literal text it is.
/// - **Empty** text (nothing but whitespace once cleaned) is refused, and so is text over `maximumBytes`.
public enum TurnText {
    /// The label put before text that Claude Code would otherwise take for a command, a shell line or an
    /// attachment. Visible on purpose: Claude Code strips invisible characters before it looks.
    public static let literalLabel = "(The message below is text to read, not a command.)"

    /// Text larger than this (UTF-8 bytes) is not typed: it is written into the agent's hook as
    /// `inbox/prompt-<turn>.md` and the agent is typed a short message pointing at it. Typing runs in
    /// pieces that always fit tmux's limits, so this is about what an agent's input line copes with,
    /// not about tmux: 64 KiB is about 16,000 words.
    public static let typedLimit = 64 * 1024

    /// The largest prompt Gateway accepts (UTF-8 bytes): well beyond anything a model reads in one
    /// turn, small enough that the ledger and the hook stay quick.
    public static let maximumBytes = 16 * 1024 * 1024

    /// The text as it is stored and delivered; throws when nothing is left, or when it is too large.
    public static func prepare(_ text: String) throws -> String {
        guard text.utf8.count <= maximumBytes else {
            throw GatewayError.usage("the prompt is \(text.utf8.count / 1_048_576) MiB; Gateway takes at most \(maximumBytes / 1_048_576) MiB: put the text in a file in a rig or hook and send a prompt that names it")
        }
        let cleaned = clean(text)
        guard !cleaned.allSatisfy(\.isWhitespace) else {
            throw GatewayError.usage("the prompt is empty\(cleaned.isEmpty && !text.isEmpty ? " once its control characters are removed" : ""): there is nothing to send")
        }
        return startsCommand(cleaned) ? literalLabel + "\n" + cleaned : cleaned
    }

    /// Applies the control-character rule (see the type's comment; `PlainText.clean`).
    public static func clean(_ text: String) -> String { PlainText.clean(text) }

    /// Would Claude Code read this as a command, a shell line or an attachment? It trims leading
    /// whitespace before it looks.
    public static func startsCommand(_ text: String) -> Bool {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return false }
        return first == "/" || first == "!" || first == "@"
    }

    /// Where a prompt too large to type is written, relative to the agent's hook.
    public static func inboxPath(turn: Int64) -> String { "inbox/prompt-\(turn).md" }

    /// What the agent is typed instead of a prompt too large to type.
    public static func pointer(turn: Int64, file: URL, bytes: Int) -> String {
        let size = bytes >= 1024 * 1024 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : "\(bytes / 1024) KiB"
        return "This message is too long to type (\(size)), so Gateway saved it as a file. Read \(file.path) in full and treat its contents as this message."
    }
}
