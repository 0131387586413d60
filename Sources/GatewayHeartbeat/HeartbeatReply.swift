import Foundation
import GatewayCore

/// The Mayor's answer to a beat, split by task. Sections are `## <task name>` headings (any level,
/// case, spacing and emphasis ignored, in any order; unknown headings stay inside the section they
/// appear in). A reply with no task heading at all counts for the whole beat.
public struct HeartbeatReply: Sendable, Equatable {
    /// What one task's section says.
    public enum Verdict: Sendable, Equatable {
        /// `HEARTBEAT_OK` at the start or end, with at most `ack_max_chars` of other text (kept as the note).
        case ok(note: String)
        case finding(Finding)
        /// No section for this task, or an empty one.
        case missing
    }

    public struct Finding: Sendable, Equatable {
        /// The section's text, trimmed.
        public var text: String
        /// Lines marked `URGENT:` or `🚨`, without the marker.
        public var urgentLines: [String]
        /// Equal for the same finding of the same task, however it is spaced or emphasised: identical
        /// alerts within 24 hours share it, so the caller can suppress repeats.
        public var alertKey: String

        public var isUrgent: Bool { !urgentLines.isEmpty }

        /// What the owner is sent. An urgent finding leads with its urgent lines, so a phone's preview
        /// shows them, and the rest of the section follows without them: each line is said once.
        public var message: String {
            guard isUrgent else { return text }
            var rest: [Substring] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) where urgentMessage(of: line) == nil {
                // Taking a line out must not leave two blank lines where it stood.
                let blank = line.allSatisfy(\.isWhitespace)
                if blank, rest.last.map({ $0.allSatisfy(\.isWhitespace) }) ?? true { continue }
                rest.append(line)
            }
            let context = rest.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            let lead = urgentLines.joined(separator: "\n")
            return context.isEmpty ? lead : lead + "\n\n" + context
        }
    }

    public struct TaskResult: Sendable, Equatable {
        public var taskName: String
        public var verdict: Verdict
    }

    /// One result per task asked, in the order asked.
    public var results: [TaskResult]
    /// True when the reply had no task heading, so its one verdict stands for every task.
    public var coversWholeBeat: Bool
    /// Text before the first task heading, judged like a section; nil when there is none.
    public var preamble: Verdict?

    /// Splits `reply` into the sections of `tasks` and judges each.
    public static func parse(_ reply: String, tasks: [HeartbeatTask], ackMaxChars: Int) -> HeartbeatReply {
        let keys = Set(tasks.map(\.key))
        var sections: [String: [String]] = [:]
        var preamble: [String] = []
        var current: String?
        var fence = false
        for line in reply.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { fence.toggle() }
            if !fence, let key = headingKey(trimmed), keys.contains(key) {
                current = key
                if sections[key] == nil { sections[key] = [] }
                continue
            }
            if let current { sections[current, default: []].append(String(line)) } else { preamble.append(String(line)) }
        }
        if sections.isEmpty {
            let verdict = judge(reply, taskKey: "", ackMaxChars: ackMaxChars)
            return HeartbeatReply(results: tasks.map { TaskResult(taskName: $0.name, verdict: verdict) },
                                  coversWholeBeat: true, preamble: nil)
        }
        let results = tasks.map { task in
            TaskResult(taskName: task.name, verdict: sections[task.key].map {
                judge($0.joined(separator: "\n"), taskKey: task.key, ackMaxChars: ackMaxChars)
            } ?? .missing)
        }
        let before = preamble.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return HeartbeatReply(results: results, coversWholeBeat: false,
                              preamble: before.isEmpty ? nil : judge(before, taskKey: "", ackMaxChars: ackMaxChars))
    }

    /// Judges one section's text.
    public static func judge(_ text: String, taskKey: String, ackMaxChars: Int) -> Verdict {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .missing }
        let urgent = urgentLines(in: trimmed)
        let remainder = Acknowledgement.remainder(of: trimmed)
        if urgent.isEmpty, let note = remainder, note.count <= ackMaxChars {
            return .ok(note: note)
        }
        // A token at an edge of a longer finding was said to Gateway, not to the owner: it is left
        // out of what is delivered and logged, and out of the alert key, so the same finding with and
        // without it is one alert.
        let delivered = remainder.flatMap { $0.isEmpty ? nil : $0 } ?? trimmed
        return .finding(Finding(text: delivered, urgentLines: urgent, alertKey: alertKey(task: taskKey, text: delivered)))
    }

    /// The key of a task heading: `## 每日资讯`, `### **Inbox**:`, `## 2. Inbox`, or a line that is all bold.
    static func headingKey(_ line: String) -> String? {
        var text = Substring(line)
        if text.hasPrefix("#") {
            text = text.drop(while: { $0 == "#" })
        } else if line.count > 4, line.hasPrefix("**"), line.hasSuffix("**") || line.hasSuffix("**:") || line.hasSuffix(":**") {
            text = text.dropFirst(2)
        } else {
            return nil
        }
        var name = text.trimmingCharacters(in: .whitespaces)
        let digits = name.prefix(while: \.isNumber)
        if !digits.isEmpty, let mark = name.dropFirst(digits.count).first, mark == "." || mark == ")" {
            name = name.dropFirst(digits.count + 1).trimmingCharacters(in: .whitespaces)
        }
        while name.hasSuffix("#") { name.removeLast() }
        let key = HeartbeatTask.key(name)
        return key.isEmpty ? nil : key
    }

    /// Lines starting (after bullets, quotes and emphasis) with `URGENT:` or `🚨`, without the marker.
    public static func urgentLines(in text: String) -> [String] {
        text.split(separator: "\n").compactMap(urgentMessage(of:))
    }

    /// The message of one urgent line, without its marker; nil when the line is not urgent.
    static func urgentMessage(of line: Substring) -> String? {
        let bare = line.drop(while: { " \t-*+>_".contains($0) })
        for marker in HeartbeatPrompt.urgentMarkers where bare.uppercased().hasPrefix(marker) {
            let message = bare.dropFirst(marker.count).drop(while: { " \t*_:".contains($0) })
            return message.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// A stable hash of the task and its finding, lower-cased with emphasis and spacing removed.
    public static func alertKey(task: String, text: String) -> String {
        let words = text.lowercased().filter { !"*_`~#>".contains($0) }.split(whereSeparator: \.isWhitespace)
        return StableHash.shortHex(task + "\n" + words.joined(separator: " "), length: 16)
    }
}
