import SimKit
/// One item of the conversation as the screen shows it.
enum ConversationItem {
    case user(String)
    case assistant(String)
    /// A notice under the last item (`⎿ Interrupted by user`, an API error, a blocked prompt).
    case notice(String)
    /// The line Claude Code leaves after a turn: `✻ Worked for 4s · done 1:40 AM`.
    case done(String)
}

/// Everything one frame shows.
struct ScreenState {
    var version: String
    var cwd: String
    var model: String
    var permissionMode: String
    var conversation: [ConversationItem] = []
    /// Set while a turn runs: the spinner line (with `esc to interrupt`) is shown.
    var busySince: Double?
    var spinnerFrame = 0
    var now: Double = 0
    /// Prompts entered while busy, waiting for the turn to end.
    var queued: [String] = []
    var input = InputLine()
    /// When set, the permission dialog replaces the input box, as in Claude Code.
    var permission: PermissionAsk?
    /// Grey text in an empty input line, e.g. `Resend your message to try again` after a server error.
    var placeholder: String?
    /// A one-line hint above the input box (e.g. "Press Ctrl-C again to exit").
    var hint: String?
}

/// Draws frames in Claude Code 2.1.332's layout: header, conversation, spinner, the input line
/// (`❯` + U+00A0) between two rules, then a footer. The whole frame is one write: cursor home, each row
/// cleared to its end, the rest of the screen cleared.
enum Screen {
    static let prompt = "❯\u{00A0}"
    /// Shown (dimmed, in Claude Code) in an empty input line while prompts are queued.
    static let queuedPlaceholder = "Press up to edit queued messages"
    static let spinnerGlyphs = ["·", "✢", "✳", "✶", "✻", "✽"]

    static func footer(mode: String, busy: Bool) -> String {
        let base = switch mode {
        case "acceptEdits": "  ⏵⏵ accept edits on (shift+tab to cycle)"
        case "plan": "  ⏸ plan mode on (shift+tab to cycle)"
        case "bypassPermissions": "  ⏵⏵ bypass permissions on (shift+tab to cycle)"
        case "auto": "  ⏵⏵ auto mode on (shift+tab to cycle)"
        case "dontAsk": "  ⏵⏵ don't ask on (shift+tab to cycle)"
        default: "  ⏸ manual mode on · ? for shortcuts"
        }
        return busy ? base + " · esc to interrupt" : base
    }

    static func rows(_ state: ScreenState, columns: Int, rows height: Int) -> [String] {
        let header = [
            " ▐▛███▜▌   Claude Code v\(state.version)",
            "▝▜█████▛▘  \(state.model) · gw-agent-sim (test double)",
            "  ▘▘ ▝▝    \(state.cwd)",
            "",
        ]
        // Prompts entered while busy show as prompts already, marked as queued, above the spinner.
        var tail: [String] = []
        for prompt in state.queued {
            tail += ScreenText.wrap(prompt, columns: columns, firstPrefix: "❯ ", prefix: "  ")
        }
        if !state.queued.isEmpty { tail.append("  ⎿  Queued · ctrl+x ctrl+s to send now") }
        if let since = state.busySince {
            let glyph = spinnerGlyphs[state.spinnerFrame % spinnerGlyphs.count]
            tail.append("\(glyph) Working… (\(Int(state.now - since))s · esc to interrupt)")
        }
        if let hint = state.hint { tail.append(hint) }
        let rule = String(repeating: "─", count: max(1, columns))
        var bottom: [String]
        if let ask = state.permission {
            bottom = [rule] + permissionDialog(ask, cwd: state.cwd, columns: columns)
        } else {
            bottom = [rule]
            // The input keeps at most 8 rows on screen; the `❯` row (first one) always stays.
            let shown = !state.input.isEmpty ? state.input.display
                : !state.queued.isEmpty ? queuedPlaceholder : state.placeholder ?? ""
            let inputRows = ScreenText.wrap(shown, columns: columns, firstPrefix: prompt, prefix: "  ")
            bottom += inputRows.count > 8 ? Array(inputRows.prefix(1) + inputRows.suffix(7)) : inputRows
            bottom += [rule, footer(mode: state.permissionMode, busy: state.busySince != nil)]
        }
        // Older conversation scrolls away first; the input box is never pushed off screen. Only the
        // newest items that can show are laid out, so a long conversation costs no more to draw.
        let room = max(0, height - bottom.count)
        var top = tail
        var index = state.conversation.endIndex
        while top.count < room, index > state.conversation.startIndex {
            index -= 1
            top = rows(of: state.conversation[index], columns: columns) + top
        }
        if index == state.conversation.startIndex { top = header + top }
        if top.count > room { top = Array(top.suffix(room)) }
        return top + bottom
    }

    static func rows(of item: ConversationItem, columns: Int) -> [String] {
        switch item {
        case .user(let text): return ScreenText.wrap(text, columns: columns, firstPrefix: "❯ ", prefix: "  ")
        case .assistant(let text): return ScreenText.wrap(text, columns: columns, firstPrefix: "● ", prefix: "  ") + [""]
        case .done(let text): return [text]
        case .notice(let text): return ScreenText.wrap(text, columns: columns, firstPrefix: "  ⎿  ", prefix: "     ") + [""]
        }
    }

    /// Claude Code 2.1.332's permission dialog: title, the tool's description, its command (or input)
    /// between dashed rules, then the numbered choices.
    static func permissionDialog(_ ask: PermissionAsk, cwd: String, columns: Int) -> [String] {
        let dashes = String(repeating: "╌", count: max(1, columns))
        var rows = [ask.tool == "Bash" ? " Bash command" : " \(ask.tool)"]
        if let description = ask.description { rows.append(" \(description)") }
        rows.append(dashes)
        rows += ScreenText.wrap(ask.command ?? ask.inputJSON, columns: columns, firstPrefix: " ", prefix: " ")
        rows += [
            dashes,
            " Do you want to proceed?",
            " ❯ 1. Yes",
            "   2. Yes, and always allow access to \(cwd) from this project",
            "   3. Yes, and switch to auto mode · auto mode handles these prompts for you",
            "   4. No",
            " Esc to cancel · Tab to amend",
        ]
        return rows
    }

    /// The bytes of one frame.
    static func frame(_ state: ScreenState, columns: Int, rows height: Int) -> String {
        let lines = rows(state, columns: columns, rows: height)
        var output = "\u{1B}[?25l\u{1B}[H"
        output += lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n")
        output += "\u{1B}[J\u{1B}[?25h"
        return output
    }
}
