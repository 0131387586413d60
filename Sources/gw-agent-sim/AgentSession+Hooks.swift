import SimKit
import Foundation

/// Hook payloads, in the shape Claude Code 2.1.332 sends them (old-version mode leaves out the fields
/// that came later: `prompt_id`, `last_assistant_message`, `background_tasks`, `session_crons`).
extension AgentSession {
    /// Claude Code cuts hook context longer than this.
    static let contextLimit = 10_000

    /// Fires `event`; returns what each hook did.
    @discardableResult
    func fire(_ event: String, subject: String?, _ fields: [String: Any], promptID: String? = nil) -> [HookOutcome] {
        var payload: [String: Any] = [
            "session_id": sessionID, "transcript_path": transcript.url.path, "cwd": cwd, "hook_event_name": event,
        ]
        // SessionStart and SessionEnd carry no permission mode; prompt events do.
        if !["SessionStart", "SessionEnd", "PreCompact", "StopFailure"].contains(event) { payload["permission_mode"] = screen.permissionMode }
        if let promptID, !options.oldVersion { payload["prompt_id"] = promptID }
        for (key, value) in fields {
            if options.oldVersion, Self.newerFields.contains(key) { continue }
            payload[key] = value
        }
        return hooks.run(event: event, subject: subject, payload: payload, sessionID: sessionID)
    }

    static let newerFields: Set<String> = ["prompt_id", "last_assistant_message", "background_tasks", "session_crons", "effort", "permission_suggestions"]

    /// What SessionStart / UserPromptSubmit hooks add to the context, or the reason a prompt is blocked.
    struct HookContext {
        var texts: [String] = []
        var blockReason: String?
    }

    /// Reads hook results: exit 0 stdout is context (plain text, or JSON with
    /// `hookSpecificOutput.additionalContext`; `{"decision":"block"}` blocks); exit 2 blocks with stderr;
    /// other failures are shown and otherwise ignored.
    func context(from outcomes: [HookOutcome], event: String) -> HookContext {
        var result = HookContext()
        for outcome in outcomes {
            if outcome.status == 2 {
                result.blockReason = outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                continue
            }
            guard outcome.status == 0, !outcome.timedOut else {
                screen.conversation.append(.notice("\(event) hook error: \(outcome.timedOut ? "timed out" : "exit \(outcome.status)") \(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"))
                continue
            }
            let stdout = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !stdout.isEmpty else { continue }
            if stdout.hasPrefix("{"), let object = (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] {
                if object["decision"] as? String == "block" {
                    result.blockReason = object["reason"] as? String ?? ""
                }
                if let specific = object["hookSpecificOutput"] as? [String: Any], let text = specific["additionalContext"] as? String, !text.isEmpty {
                    result.texts.append(String(text.prefix(Self.contextLimit)))
                }
            } else {
                result.texts.append(String(stdout.prefix(Self.contextLimit)))
            }
        }
        return result
    }

    /// Fires SessionStart and records what its hooks add.
    func startSession(source: String) {
        let outcomes = fire("SessionStart", subject: source, ["source": source, "model": options.model])
        for text in context(from: outcomes, event: "SessionStart").texts {
            transcript.hookContext(text, event: "SessionStart", hookName: "SessionStart:\(source)")
            contextCharacters += text.count
        }
    }

    /// A PermissionRequest hook may decide for the person:
    /// `{"hookSpecificOutput":{"decision":{"behavior":"allow"|"deny","message":...}}}`.
    func permissionDecision(_ outcomes: [HookOutcome]) -> (allow: Bool, message: String)? {
        for outcome in outcomes where outcome.status == 0 {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))) as? [String: Any],
                  let specific = object["hookSpecificOutput"] as? [String: Any],
                  let decision = specific["decision"] as? [String: Any],
                  let behavior = decision["behavior"] as? String else { continue }
            if behavior == "allow" || behavior == "deny" {
                return (behavior == "allow", decision["message"] as? String ?? "")
            }
        }
        return nil
    }
}
