import Foundation

/// One `##` section of HEARTBEAT.md, or one entry of its `tasks:` block: a standing task with its steps and options.
public struct HeartbeatTask: Sendable, Equatable, Codable {
    /// The heading text, as written.
    public var name: String
    /// The line of its `##` heading.
    public var line: Int
    public var schedule: TaskSchedule = .everyBeat
    /// Targets for this task's findings; nil means the heartbeat's `notify`.
    public var notify: [String]?
    /// Targets for this task's urgent lines; nil means the heartbeat's `urgent`.
    public var urgent: [String]?
    public var formula: FormulaCall?
    public var priority: TaskPriority = .normal
    /// The section's text without its options and comments, as the prompt shows it.
    public var body: String = ""
    /// The text of its bullets, in order.
    public var steps: [String] = []
    /// True when the body holds nothing but blank lines, sub-headings and empty bullets, and no formula.
    public var isEmpty: Bool = true

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    /// The identity marks and reply sections use: case, spacing and emphasis do not count.
    public var key: String { Self.key(name) }

    /// Normalises a task name or a reply heading so `**Daily News**:` matches `daily news`.
    public static func key(_ text: String) -> String {
        let words = text.lowercased().filter { !emphasis.contains($0) }.split(whereSeparator: \.isWhitespace)
        var key = words.joined(separator: " ")
        while let last = key.last, last == ":" || last == "：" || last == "." || last == " " { key.removeLast() }
        return key
    }

    private static let emphasis: Set<Character> = ["*", "_", "`", "~"]
}

/// The options a task may carry on `>` lines right under its heading.
enum TaskOption: String, CaseIterable {
    case schedule, notify, urgent, formula, priority

    static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// A known option whose name is within two edits of `word`, to catch typos like `shedule`.
    static func nearest(to word: String) -> TaskOption? {
        guard word.count >= 4 else { return nil }
        return allCases.first { editDistance(Array($0.rawValue), Array(word)) <= 2 }
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// Applies `value` to `task`, or says what is wrong with it.
    func apply(_ value: String, to task: inout HeartbeatTask) -> OptionError? {
        switch self {
        case .schedule:
            guard let schedule = TaskSchedule(parsing: value) else {
                return OptionError("schedule \"\(value)\" is not a schedule: write \(TaskSchedule.examples)")
            }
            task.schedule = schedule
        case .notify, .urgent:
            let names = value.split(whereSeparator: { ",，、".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if let bad = names.first(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
                return OptionError("\(rawValue) \"\(bad)\" is not a target name: list names separated by commas, like \(rawValue): phone, mail")
            }
            if self == .notify { task.notify = names } else { task.urgent = names }
        case .formula:
            switch FormulaCall.parse(value) {
            case .success(let call): task.formula = call
            case .failure(let error): return OptionError("formula \(error.message)")
            }
        case .priority:
            guard let priority = TaskPriority(rawValue: value.lowercased()) else {
                return OptionError("priority \"\(value)\" is not one of high, normal, low")
            }
            task.priority = priority
        }
        return nil
    }
}
