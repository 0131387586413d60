import Foundation

/// Builds the one turn a beat sends. The default text is below; `heartbeat.prompt` replaces it and
/// may use these placeholders:
///
/// - `{{time}}` — `2026-11-26 09:00, Thursday`, the beat's wall-clock time
/// - `{{timezone}}` — `Asia/Shanghai, UTC+08:00`
/// - `{{date}}` — `2026-11-26`
/// - `{{log_file}}` — `memory/2026-11-26.md`, today's log in the Mayor's folder
/// - `{{notes}}` — the text before the first task in HEARTBEAT.md (empty when none)
/// - `{{tasks}}` — the due tasks in full, each under `## <task name>`
/// - `{{reply_protocol}}` — how to answer, which the reply parser relies on
///
/// A custom prompt without `{{tasks}}` or `{{reply_protocol}}` gets them appended, so replacing the
/// prompt can never leave the Mayor without its tasks or Gateway unable to read the answer.
public enum HeartbeatPrompt {
    public static let placeholders = ["time", "timezone", "date", "log_file", "notes", "tasks", "reply_protocol"]

    /// The answer for a task that needs no attention.
    public static let okToken = "HEARTBEAT_OK"
    /// A line starting with one of these is urgent.
    public static let urgentMarkers = ["URGENT:", "🚨"]

    public static let defaultTemplate = """
        Heartbeat: {{time}} ({{timezone}}).

        This is a scheduled check from Gateway. The tasks below come from HEARTBEAT.md and are due now. \
        Do each of them now, with your tools as needed. Do only these: a task from an earlier heartbeat \
        that is not listed here is not due.

        {{notes}}{{tasks}}

        {{reply_protocol}}
        """

    /// The prompt for a beat: its due tasks in full and the reply protocol.
    public static func render(_ plan: BeatPlan, notes: String, settings: HeartbeatSettings, zone: TimeZone, missedBeats: Int = 0) -> String {
        var template = settings.prompt ?? defaultTemplate
        let used = placeholderNames(in: template)
        if !used.contains("tasks") { template += "\n\n{{notes}}{{tasks}}" }
        if !used.contains("reply_protocol") { template += "\n\n{{reply_protocol}}" }
        let local = ZonedTime.local(plan.time, in: zone)
        let values: [String: String] = [
            "time": "\(local.text), \(local.day.weekday.name)",
            "timezone": "\(zone.identifier), \(local.offsetText)",
            "date": local.day.description,
            "log_file": logFile(local.day),
            "notes": notes.isEmpty ? "" : "Standing notes from HEARTBEAT.md:\n\n\(notes)\n\n",
            "tasks": tasksText(plan, missedBeats: missedBeats),
            "reply_protocol": replyProtocol(tasks: plan.dueTasks.map(\.task), logFile: logFile(local.day)),
        ]
        return substitute(template, values).trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    /// Today's log, relative to the Mayor's folder.
    public static func logFile(_ day: LocalDay) -> String { "memory/\(day).md" }

    static func tasksText(_ plan: BeatPlan, missedBeats: Int) -> String {
        var blocks: [String] = []
        if missedBeats > 0 {
            let count = "\(missedBeats) beat\(missedBeats == 1 ? " was" : "s were")"
            blocks.append("(\(count) missed while the machine slept, Gateway was stopped or you were busy; this one beat covers them.)")
        }
        for due in plan.dueTasks {
            let task = due.task
            var lines = ["## \(task.name)"]
            var facts: [String] = []
            if task.priority != .normal { facts.append("priority \(task.priority.rawValue)") }
            if task.schedule != .everyBeat { facts.append("schedule \(task.schedule)") }
            if let formula = task.formula { facts.append("formula \(formula)") }
            if !facts.isEmpty { lines.append("(\(facts.joined(separator: " · ")))") }
            if !task.body.isEmpty { lines.append(task.body) }
            blocks.append(lines.joined(separator: "\n"))
        }
        if plan.dueTasks.isEmpty { blocks.append("(No task from HEARTBEAT.md is due.)") }
        return blocks.joined(separator: "\n\n")
    }

    static func replyProtocol(tasks: [HeartbeatTask], logFile: String) -> String {
        let example = tasks.first?.name ?? "task name"
        return """
            How to reply (Gateway reads your answer by these rules):
            - Answer each task under its own heading, written exactly as above: `## \(example)`.
            - When a task needs no attention, its section holds only \(okToken).
            - Otherwise write what you found, briefly and concretely: that text is what the owner receives.
            - Start a line with `URGENT:` (or 🚨) only when the owner must see it now; those lines go out at once.
            - Gateway appends your reply to today's log, \(logFile) in your folder, after you finish, and commits it.
            """
    }

    /// Replaces each `{{name}}` in one pass, so text inside a task is never itself substituted.
    static func substitute(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += values[name] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// Placeholders in `text` that the renderer does not know.
    public static func unknownPlaceholders(in text: String) -> [String] {
        placeholderNames(in: text).filter { !placeholders.contains($0) }
    }

    /// Every `{{name}}` in `text`, spaces inside the braces ignored.
    static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }
}
