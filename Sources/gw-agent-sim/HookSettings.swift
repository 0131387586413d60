import SimKit
import Foundation

/// One command hook from a settings file: `{"type":"command","command":...,"timeout":...}`.
struct CommandHook {
    var command: String
    /// Seconds; nil means the event's default.
    var timeout: Double?
}

/// The `hooks` of a `--settings` file or JSON text, in Claude Code's shape:
/// `{"hooks": {"<Event>": [{"matcher": "...", "hooks": [{"type": "command", "command": "...", "timeout": 30}]}]}}`.
struct HookSettings {
    private var groups: [String: [(matcher: String?, hooks: [CommandHook])]] = [:]

    init() {}

    /// Reads `--settings` as Claude Code does: text starting with `{` is JSON, anything else a file path.
    init(argument: String) throws(AgentSimError) {
        let trimmed = argument.trimmingCharacters(in: .whitespacesAndNewlines)
        let data: Data
        let origin: String
        if trimmed.hasPrefix("{") {
            data = Data(trimmed.utf8)
            origin = "--settings JSON"
        } else {
            guard let contents = FileManager.default.contents(atPath: argument) else {
                throw AgentSimError("Error: Settings file not found: \(argument)")
            }
            data = contents
            origin = argument
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AgentSimError("Error: Invalid JSON provided to --settings (\(origin))")
        }
        guard let hooks = object["hooks"] else { return }
        guard let events = hooks as? [String: Any] else {
            throw AgentSimError("Error: \"hooks\" in \(origin) must be an object of event name → matcher groups")
        }
        for (event, value) in events {
            guard let entries = value as? [[String: Any]] else {
                throw AgentSimError("Error: hooks.\(event) in \(origin) must be an array of {matcher, hooks} objects")
            }
            for entry in entries {
                let matcher = entry["matcher"] as? String
                var commands: [CommandHook] = []
                for hook in entry["hooks"] as? [[String: Any]] ?? [] {
                    // Only command hooks run here; `http` and `prompt` hooks are not imitated.
                    guard (hook["type"] as? String ?? "command") == "command", let command = hook["command"] as? String else { continue }
                    commands.append(CommandHook(command: command, timeout: (hook["timeout"] as? NSNumber)?.doubleValue))
                }
                groups[event, default: []].append((matcher, commands))
            }
        }
    }

    /// The hooks of an event whose matcher accepts `subject` (tool name, source, reason, …), in file order.
    /// An absent, empty or `*` matcher accepts everything; otherwise it is a regular expression that must
    /// match the whole subject (`Edit|Write`).
    func hooks(for event: String, subject: String?) -> [CommandHook] {
        var result: [CommandHook] = []
        for group in groups[event] ?? [] where Self.accepts(group.matcher, subject) {
            result += group.hooks
        }
        return result
    }

    static func accepts(_ matcher: String?, _ subject: String?) -> Bool {
        guard let matcher, !matcher.isEmpty, matcher != "*" else { return true }
        guard let subject else { return true }
        guard let expression = try? NSRegularExpression(pattern: "^(?:\(matcher))$") else { return matcher == subject }
        return expression.firstMatch(in: subject, range: NSRange(subject.startIndex..., in: subject)) != nil
    }
}
