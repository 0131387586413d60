import Foundation

/// What an agent's pane shows, read from `tmux capture-pane`. Screen text changes between agent
/// versions, so hooks decide turns; the screen answers only what hooks cannot: is someone typing,
/// is a dialog in the way, does the agent look busy.
public struct AgentScreen: Sendable, Equatable {
    public enum Dialog: String, Sendable, Equatable {
        case trustFolder = "folder trust"
        case apiKey = "API key confirmation"
        case login = "login"
        case bypassWarning = "bypass-permissions warning"
        case permission = "permission prompt"
        case resumeFailed = "resume failed"
    }

    public var text: String
    public var busy: Bool
    /// The input line was found (Claude keeps it visible even while busy).
    public var inputVisible: Bool
    /// What sits in the input line: text a person typed, or a paste not yet submitted.
    public var inputText: String
    /// The input box shows only part of a long text (its upper edge reads "↑ N more"): `inputText`
    /// is a window into the text, not its beginning.
    public var inputScrolled = false
    public var dialog: Dialog?
    /// A usage-limit notice among the conversation's last lines (above the input box), if one shows.
    public var limitLine: String?

    /// True when nothing stands between Gateway and pasting a prompt.
    public var readyForInput: Bool { inputVisible && !busy && inputText.isEmpty && dialog == nil }

    public init(text: String, profile: AgentProfile) {
        self.text = text
        let lines = text.components(separatedBy: "\n")
        dialog = Self.dialog(in: Self.dialogRegion(lines))
        limitLine = Self.limitLine(lines)
        if profile.completion == .screen {
            // Other agents: only the last lines say what the agent is doing now.
            let state = ScreenTurnWatcher.read(text, profile: profile)
            busy = state.busy
            (inputVisible, inputText) = (state.idle || state.busy, "")
        } else {
            busy = Self.matches(profile.busyPattern, lines)
            if profile.idlePattern == AgentProfile.claudeIdlePattern, let boxed = Self.boxedInput(lines, marker: profile.idlePattern) {
                (inputVisible, inputText, inputScrolled) = (true, boxed.text, boxed.scrolled)
            } else {
                (inputVisible, inputText) = Self.input(lines, idlePattern: profile.idlePattern)
            }
        }
    }

    static func matches(_ pattern: String, _ lines: [String]) -> Bool {
        guard !pattern.isEmpty, let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return false }
        return lines.contains { line in
            regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        }
    }

    /// The input line is the last line holding the idle marker (Claude: `❯` and a non-breaking space;
    /// a dialog's cursor is `❯` and a plain space). Its text continues on the lines below it until the
    /// horizontal rule that closes the input box.
    static func input(_ lines: [String], idlePattern: String) -> (visible: Bool, text: String) {
        guard !idlePattern.isEmpty else { return (false, "") }
        let marker = idlePattern == AgentProfile.claudeIdlePattern ? idlePattern : nil
        let index: Int?
        if let marker {
            index = lines.lastIndex { $0.contains(marker) }
        } else {
            index = lines.lastIndex { matches(idlePattern, [$0]) }
        }
        guard let index else { return (false, "") }
        guard let marker else { return (true, "") }
        var parts: [String] = []
        let first = lines[index]
        if let range = first.range(of: marker) {
            parts.append(String(first[range.upperBound...]))
        }
        for line in lines[(index + 1)...] {
            if isRule(line) { break }
            parts.append(line)
        }
        let text = parts.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (true, isPlaceholder(text) ? "" : text)
    }

    /// Claude Code draws its input box between two rules — the upper one reading "↑ N more" when a
    /// long text is scrolled — and the box's first line starts with the marker. Read that way, a
    /// marker inside the text itself (a prompt that quotes one) is never taken for the input line.
    /// Nil when the screen is not drawn so (a dialog in place of the box): `input` decides then.
    static func boxedInput(_ lines: [String], marker: String) -> (text: String, scrolled: Bool)? {
        guard let bottom = lines.lastIndex(where: isBoxEdge), bottom > 0,
              let top = lines[..<bottom].lastIndex(where: isBoxEdge) else { return nil }
        let box = lines[(top + 1)..<bottom]
        guard let first = box.first, let range = first.range(of: marker),
              first[..<range.lowerBound].allSatisfy(\.isWhitespace) else { return nil }
        let parts = [String(first[range.upperBound...])] + box.dropFirst()
        let text = parts.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (isPlaceholder(text) ? "" : text, lines[top].contains(" more"))
    }

    /// A rule, or an input box's edge that says how much of a long text is out of view.
    static func isBoxEdge(_ line: String) -> Bool {
        if isRule(line) { return true }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("───") && (trimmed.contains("↑") || trimmed.contains("↓")) && trimmed.contains(" more")
    }

    /// Hints Claude Code draws dimmed in an EMPTY input line; `capture-pane` drops the dimming, so
    /// they are known by their words: after a server error, while prompts are queued, and the
    /// example prompts it suggests.
    static let placeholders = ["Resend your message to try again", "Press up to edit queued messages"]

    static func isPlaceholder(_ text: String) -> Bool {
        if placeholders.contains(text) { return true }
        // `Try "fix lint errors"`: one line, a quoted example.
        return text.hasPrefix("Try \"") && text.hasSuffix("\"") && !text.contains("\n")
    }

    static func isRule(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 3 && trimmed.allSatisfy { $0 == "─" || $0 == "━" || $0 == "═" }
    }

    /// Where a live dialog is drawn: below the last horizontal rule on screen. Claude Code draws its
    /// input box between two rules with only the footer under the second, and a dialog (trust,
    /// permission) in place of that box, under a rule; the conversation — where a reply may merely
    /// quote a dialog's words — always sits above. A screen without a rule (a start-up message, an
    /// agent that draws none) is judged by its last lines.
    static func dialogRegion(_ lines: [String]) -> String {
        if let rule = lines.lastIndex(where: isRule) {
            return lines[(rule + 1)...].joined(separator: "\n")
        }
        let drawn = lines.reversed().drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        return drawn.prefix(dialogLines).reversed().joined(separator: "\n")
    }

    /// The limit notice among the last lines of the conversation: above the input box (whose upper edge
    /// is the second rule from the bottom) when one is drawn.
    static func limitLine(_ lines: [String]) -> String? {
        let rules = lines.indices.filter { isRule(lines[$0]) }
        let conversation = rules.count >= 2 ? lines[..<rules[rules.count - 2]] : lines[...]
        let tail = conversation.reversed().filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.prefix(6)
        return tail.first(where: UsageLimit.isLimitLine).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// How many of the last lines a screen without rules is searched for a dialog: Claude's largest
    /// (the folder trust question) takes about a dozen.
    static let dialogLines = 15

    /// Start-up and permission dialogs, matched on the phrases Claude Code 2.1 shows, in `text` — the
    /// dialog region of a screen (`dialogRegion`).
    static func dialog(in text: String) -> Dialog? {
        if text.contains("Yes, I trust this folder") || text.contains("Quick safety check") { return .trustFolder }
        if text.contains("Detected a custom API key") || text.contains("Do you want to use this API key") { return .apiKey }
        if text.contains("Select login method") || text.contains("Unable to connect to Anthropic services") { return .login }
        if text.contains("Bypass Permissions mode") && text.contains("Yes, I accept") { return .bypassWarning }
        if text.contains("No conversation found with session ID") { return .resumeFailed }
        if text.contains("Do you want to proceed?") || text.contains("Do you want to make this edit") || text.contains("Do you want to create") {
            return .permission
        }
        return nil
    }
}
