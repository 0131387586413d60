import Foundation
import GatewayCore

/// The settings of `openclaw.json` (JSON5) that have a place in gateway.toml: the heartbeat's interval,
/// active hours and ack limit; where its findings go (a Telegram target, when OpenClaw names a chat);
/// and who may talk to the Mayor from Telegram. The bot token is never copied: the target and the chat
/// read `TELEGRAM_BOT_TOKEN`, OpenClaw's own fallback variable, and the import says so. gateway.toml is
/// edited line by line (`TOMLTextEdit`), keeping the user's comments.
struct OpenClawConfigImport {
    let config: JSON5Value
    let source: URL

    /// The variable the target and the chat read the token from.
    static let tokenVariable = "TELEGRAM_BOT_TOKEN"
    static let targetName = "telegram"

    /// Applies the settings to `edit`; returns the changes and notes.
    func apply(to edit: inout TOMLTextEdit) -> (changes: [TOMLTextEdit.Change], notes: [String]) {
        var changes: [TOMLTextEdit.Change] = []
        var notes: [String] = []
        let heartbeat = config["agents"]?["defaults"]?["heartbeat"]
        if let every = heartbeat?["every"]?.string {
            if ConfigDuration(parsing: every) != nil || every == "off" {
                changes.append(edit.set(table: "heartbeat", key: "every", value: TOMLTextEdit.string(every)))
            } else {
                notes.append("\(source.path): agents.defaults.heartbeat.every \"\(every)\" is not an interval Gateway reads (like 30m or 1h): set [heartbeat] every by hand")
            }
        }
        if let hours = heartbeat?["activeHours"], let start = hours["start"]?.string, let end = hours["end"]?.string {
            var fields = ["start = \(TOMLTextEdit.string(start))", "end = \(TOMLTextEdit.string(end))"]
            if let zone = hours["timezone"]?.string { fields.append("timezone = \(TOMLTextEdit.string(zone))") }
            changes.append(edit.set(table: "heartbeat", key: "active_hours", value: "{ \(fields.joined(separator: ", ")) }"))
        }
        if let limit = heartbeat?["ackMaxChars"]?.int64 {
            changes.append(edit.set(table: "heartbeat", key: "ack_max_chars", value: String(limit)))
        }
        if heartbeat?["prompt"]?.string != nil {
            notes.append("OpenClaw's heartbeat prompt was not copied: Gateway's prompt has its own placeholders ([heartbeat] prompt, docs/heartbeat.md)")
        }
        let telegram = config["channels"]?["telegram"]
        let target = heartbeat?["target"]?.string
        let chat = heartbeat?["to"].flatMap { $0.int64.map(String.init) ?? $0.string }
        if target == "telegram" || (telegram != nil && target != nil) {
            if let chat, !chat.isEmpty, target == "telegram" || target == nil || Int64(chat) != nil {
                let table = "notify.targets.\(Self.targetName)"
                changes.append(edit.set(table: table, key: "kind", value: TOMLTextEdit.string("telegram")))
                changes.append(edit.set(table: table, key: "chat_id", value: Int64(chat).map(String.init) ?? TOMLTextEdit.string(chat)))
                changes.append(edit.set(table: table, key: "token_env", value: TOMLTextEdit.string(Self.tokenVariable)))
                changes.append(edit.set(table: "heartbeat", key: "notify", value: TOMLTextEdit.array([TOMLTextEdit.string(Self.targetName)])))
            } else {
                edit.appendComment([
                    "Imported from OpenClaw: its heartbeat target was \"\(target ?? "")\", which names no chat. Fill in chat_id and uncomment:",
                    "[notify.targets.\(Self.targetName)]", "kind = \"telegram\"", "chat_id = 123456789", "token_env = \"\(Self.tokenVariable)\"",
                ])
                notes.append("OpenClaw's heartbeat target \"\(target ?? "")\" names no chat id: gateway.toml has a commented-out Telegram target to fill in")
            }
        }
        if let telegram {
            changes.append(edit.set(table: "chat.telegram", key: "token_env", value: TOMLTextEdit.string(Self.tokenVariable)))
            switch telegram["dmPolicy"]?.string {
            case "allowlist"?: changes.append(edit.set(table: "chat.telegram", key: "policy", value: TOMLTextEdit.string("allowlist")))
            case "disabled"?: changes.append(edit.set(table: "chat.telegram", key: "policy", value: TOMLTextEdit.string("disabled")))
            case "open"?:
                changes.append(edit.set(table: "chat.telegram", key: "policy", value: TOMLTextEdit.string("pairing")))
                notes.append("OpenClaw's dmPolicy \"open\" let anyone in; Gateway has no such policy, so strangers now get a pairing code")
            default: changes.append(edit.set(table: "chat.telegram", key: "policy", value: TOMLTextEdit.string("pairing")))
            }
            let ids = (telegram["allowFrom"]?.array ?? []).compactMap { $0.int64 ?? $0.string.flatMap { Int64($0) } }
            if !ids.isEmpty { changes.append(edit.set(table: "chat.telegram", key: "allow", value: TOMLTextEdit.array(ids.map(String.init)))) }
            let skipped = (telegram["allowFrom"]?.array ?? []).count - ids.count
            if skipped > 0 { notes.append("\(skipped) allowFrom entr\(skipped == 1 ? "y is" : "ies are") not a numeric Telegram id and were left out (Gateway allows by id)") }
            notes.append("the bot token was not copied: set \(Self.tokenVariable) to it (OpenClaw keeps it in channels.telegram.botToken), or under systemd/launchd put it in a file and use token_file")
        }
        return (changes.filter(\.changed), notes)
    }
}
