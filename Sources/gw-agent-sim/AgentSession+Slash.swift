import SimKit
import Foundation

/// The slash commands Gateway may type: `/compact`, `/clear`, `/exit`. Like Claude Code, they fire no
/// UserPromptSubmit and no Stop. Anything else starting with `/` is sent as a prompt.
extension AgentSession {
    func runSlashCommand(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = trimmed.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        let argument = trimmed.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case "/compact": compact(instructions: argument)
        case "/clear": clear()
        case "/exit", "/quit": end(reason: "prompt_input_exit", status: 0)
        default: return false
        }
        screen.input.clear()
        return true
    }

    /// PreCompact (trigger manual) → a summary replaces the context → SessionStart (source compact),
    /// same session id, as observed in Claude Code.
    private func compact(instructions: String) {
        fire("PreCompact", subject: "manual", ["trigger": "manual", "custom_instructions": instructions])
        let before = inputTokens
        transcript.system(subtype: "compact_boundary", fields: [
            "content": "Conversation compacted", "compactMetadata": ["trigger": "manual", "preTokens": before],
        ])
        let summary = "This session is being continued from a previous conversation that ran out of context. Summary: \(screen.conversation.count) items so far."
        transcript.user(summary, promptID: UUID().uuidString.lowercased(), extra: ["isCompactSummary": true, "isVisibleInTranscriptOnly": true])
        contextCharacters = summary.count
        screen.conversation.append(.notice("Conversation compacted · ctrl+o for history"))
        startSession(source: "compact")
    }

    /// SessionEnd (reason clear), then a new session id and transcript, then SessionStart (source clear).
    private func clear() {
        fire("SessionEnd", subject: "clear", ["reason": "clear"])
        sessionID = UUID().uuidString.lowercased()
        transcript = Transcript(directory: transcript.url.deletingLastPathComponent(), sessionID: sessionID,
                                cwd: cwd, version: options.version, oldVersion: options.oldVersion)
        screen.conversation = []
        contextCharacters = 0
        startSession(source: "clear")
    }
}
