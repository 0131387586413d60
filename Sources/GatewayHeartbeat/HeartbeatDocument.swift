import Foundation
import GatewayCore

/// HEARTBEAT.md, parsed. Each `##` section is a task and its bullets are the steps. A file without
/// `##` sections (the plain checklist other tools use) is one task. Lines starting with a single `#`
/// and `<!-- … -->` blocks are comments; `###` and deeper are headings inside a task; `##` with no
/// name is nothing, like a blank line. A file that opens with a `tasks:` block (`TasksBlock`) takes
/// its tasks from the block's entries instead, and everything after the block is notes. See
/// docs/heartbeat.md for the option syntax.
public struct HeartbeatDocument: Sendable, Equatable {
    public static let fileName = "HEARTBEAT.md"
    /// The name of the single task a file without `##` sections becomes.
    public static let checklistTaskName = "Heartbeat"

    /// False when the file does not exist.
    public var exists: Bool
    /// Every task in file order, empty ones included.
    public var tasks: [HeartbeatTask]
    /// Text before the first `##` section, or after a `tasks:` block, shown in every prompt as standing notes.
    public var notes: String

    public init(exists: Bool = true, tasks: [HeartbeatTask] = [], notes: String = "") {
        self.exists = exists
        self.tasks = tasks
        self.notes = notes
    }

    public static let missing = HeartbeatDocument(exists: false)

    /// The tasks that hold something to do.
    public var runnableTasks: [HeartbeatTask] { tasks.filter { !$0.isEmpty } }

    /// True when a beat would have nothing to ask: no file, or only blank lines, headings, comments
    /// and empty bullets.
    public var isEffectivelyEmpty: Bool { runnableTasks.isEmpty }

    /// Reads the file; a missing file is `.missing`, not an error.
    public static func load(from url: URL) throws -> HeartbeatDocument {
        guard FileSystem.exists(url) else { return .missing }
        do {
            return try parse(try FileSystem.readText(url), file: url.lastPathComponent)
        } catch let failure as HeartbeatFileError {
            throw failure.gatewayError
        }
    }

    /// Parses the file's text after `PlainText`'s control rule, so a task's name and steps are the same
    /// in the prompt, in the reply's sections and in the daily log.
    public static func parse(_ text: String, file: String = fileName) throws(HeartbeatFileError) -> HeartbeatDocument {
        let lines = MarkdownLines.split(PlainText.clean(text))
        let classified = MarkdownLines.classify(lines)
        let document: HeartbeatDocument
        let problems: [HeartbeatProblem]
        if let first = classified.first(where: { $0.kind != .blank }), let opening = TasksBlock.opening(first) {
            var block = TasksBlock(file: file, lines: lines)
            document = block.parse(opening: first.number, opening)
            problems = block.problems
        } else {
            var parser = HeartbeatParser(file: file, lines: classified)
            document = parser.parse()
            problems = parser.problems
        }
        guard problems.isEmpty else { throw HeartbeatFileError(problems) }
        return document
    }
}

/// One thing wrong in HEARTBEAT.md, printed as `HEARTBEAT.md:LINE: what is wrong and how to fix it`.
public struct HeartbeatProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}

/// Every problem found in HEARTBEAT.md at once.
public struct HeartbeatFileError: Error, Sendable, CustomStringConvertible {
    public var problems: [HeartbeatProblem]
    public init(_ problems: [HeartbeatProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
    public var gatewayError: GatewayError { GatewayError(description, exit: .config) }
}

/// Turns classified lines into tasks.
struct HeartbeatParser {
    let file: String
    let lines: [MarkdownLine]
    var problems: [HeartbeatProblem] = []

    init(file: String, lines: [MarkdownLine]) {
        self.file = file
        self.lines = lines
    }

    mutating func parse() -> HeartbeatDocument {
        let starts = lines.indices.filter { lines[$0].kind == .taskHeading }
        let preamble = Array(lines[..<(starts.first ?? lines.count)])
        guard !starts.isEmpty else {
            // A plain checklist: the whole file is one task.
            var task = HeartbeatTask(name: HeartbeatDocument.checklistTaskName, line: 1)
            fill(&task, body: preamble)
            return HeartbeatDocument(tasks: [task])
        }
        var tasks: [HeartbeatTask] = []
        var seen: [String: Int] = [:]
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1] : lines.count
            let heading = lines[start]
            var task = HeartbeatTask(name: heading.text, line: heading.number)
            if let first = seen[task.key] {
                report(heading.number, "task \"\(task.name)\" has the same name as the task at line \(first): give each task its own name")
            }
            seen[task.key] = heading.number
            var rest = Array(lines[(start + 1)..<end])
            rest = readOptions(from: rest, into: &task)
            fill(&task, body: rest)
            tasks.append(task)
        }
        return HeartbeatDocument(tasks: tasks, notes: MarkdownLines.text(of: preamble))
    }

    private mutating func report(_ line: Int, _ message: String) {
        problems.append(HeartbeatProblem(file: file, line: line, message: message))
    }

    private func fill(_ task: inout HeartbeatTask, body: [MarkdownLine]) {
        task.body = MarkdownLines.text(of: body)
        task.steps = body.compactMap(\.bulletText)
        task.isEmpty = task.formula == nil && !body.contains(where: \.isMeaningful)
    }

    /// Reads the `>` option lines right under a heading (blank lines between are fine) and returns
    /// the lines after them. A quote that does not start with a known option is ordinary text.
    private mutating func readOptions(from lines: [MarkdownLine], into task: inout HeartbeatTask) -> [MarkdownLine] {
        guard let first = lines.firstIndex(where: { $0.kind != .blank }), lines[first].kind == .quote,
              let leading = Self.items(lines[first].text).first, Self.looksLikeOption(leading)
        else { return lines }
        var index = first
        var given: Set<String> = []
        while index < lines.count, lines[index].kind == .quote {
            for item in Self.items(lines[index].text) {
                readOption(item, line: lines[index].number, into: &task, given: &given)
            }
            index += 1
        }
        return Array(lines[index...])
    }

    private mutating func readOption(_ item: String, line: Int, into task: inout HeartbeatTask, given: inout Set<String>) {
        let prefix = "task \"\(task.name)\": "
        guard let (key, value) = Self.split(item) else {
            report(line, prefix + "\"\(item)\" is not an option: write key: value, like \"schedule: daily 09:00\" (options: \(TaskOption.list))")
            return
        }
        guard let option = TaskOption(rawValue: key.lowercased()) else {
            let hint = TaskOption.nearest(to: key.lowercased()).map { "did you mean \"\($0.rawValue)\"? " } ?? ""
            report(line, prefix + "unknown option \"\(key)\": \(hint)options are \(TaskOption.list)")
            return
        }
        guard given.insert(option.rawValue).inserted else {
            report(line, prefix + "option \"\(option.rawValue)\" is given twice: keep one")
            return
        }
        guard !value.isEmpty else {
            report(line, prefix + "option \"\(option.rawValue)\" has no value: write it after the colon, like \"\(option.rawValue): \(Self.example(option))\"")
            return
        }
        if let error = option.apply(value, to: &task) { report(line, prefix + error.message) }
    }

    private static func example(_ option: TaskOption) -> String {
        switch option {
        case .schedule: "daily 09:00"
        case .notify, .urgent: "phone, mail"
        case .formula: "daily-news topic=AI"
        case .priority: "high"
        }
    }

    /// Items on one option line are separated by `·` or `;`.
    static func items(_ text: String) -> [String] {
        text.split(whereSeparator: { "·;；".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// `key: value`, also with the full-width colon `：`.
    static func split(_ item: String) -> (String, String)? {
        guard let colon = item.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let key = item[..<colon].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }) else { return nil }
        return (key, item[item.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    static func looksLikeOption(_ item: String) -> Bool {
        guard let (key, _) = split(item) else { return false }
        return TaskOption(rawValue: key.lowercased()) != nil || TaskOption.nearest(to: key.lowercased()) != nil
    }
}
