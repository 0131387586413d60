import Foundation
import GatewayCore

/// When a HEARTBEAT.md task is due, written on its options line as `schedule: …`.
public enum TaskSchedule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// No schedule: the task is due at every beat.
    case everyBeat
    /// `every 2h`: due when this long has passed since the task last ran.
    case every(ConfigDuration)
    /// `daily 09:00`, `weekdays 08:30`, `weekends 10:00`, `weekly mon,thu 10:00`: due once per
    /// matching local day, at the first beat at or after that time.
    case calendar(days: Set<Weekday>, at: ClockTime)

    /// Parses the text after `schedule:`; nil when it is not a schedule.
    public init?(parsing text: String) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let kind = words.first?.lowercased() else { return nil }
        switch (kind, words.count) {
        case ("every", 2):
            guard let interval = ConfigDuration(parsing: words[1]), interval >= .minutes(1) else { return nil }
            self = .every(interval)
        case ("daily", 2), ("weekdays", 2), ("weekends", 2):
            guard let time = Self.time(words[1]) else { return nil }
            let days: Set<Weekday> = kind == "daily" ? Set(Weekday.allCases) : kind == "weekdays" ? Weekday.workdays : Weekday.weekend
            self = .calendar(days: days, at: time)
        case ("weekly", 3):
            let names = words[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let days = names.compactMap(Weekday.init(parsing:))
            guard days.count == names.count, let time = Self.time(words[2]) else { return nil }
            self = .calendar(days: Set(days), at: time)
        default:
            return nil
        }
    }

    /// A day's time must name a moment of that day, so `24:00` is refused here.
    private static func time(_ text: String) -> ClockTime? {
        guard let time = ClockTime(parsing: text), time.minutes < 1440 else { return nil }
        return time
    }

    /// How the schedule is written: `every 2h`, `daily 09:00`, `weekly mon,thu 10:00`.
    public var description: String {
        switch self {
        case .everyBeat: return "every beat"
        case .every(let interval): return "every \(interval)"
        case .calendar(let days, let time):
            if days.count == 7 { return "daily \(time)" }
            if days == Weekday.workdays { return "weekdays \(time)" }
            if days == Weekday.weekend { return "weekends \(time)" }
            return "weekly \(days.sorted().map(\.shortName).joined(separator: ",")) \(time)"
        }
    }

    public static let examples = "\"every 2h\", \"daily 09:00\", \"weekdays 08:30\" or \"weekly mon 10:00\""

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text == "every beat" {
            self = .everyBeat
        } else if let schedule = TaskSchedule(parsing: text) {
            self = schedule
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a schedule: \(text)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// How a task ranks in the prompt: high-priority tasks come first.
public enum TaskPriority: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case high, normal, low

    private var rank: Int { self == .high ? 0 : self == .normal ? 1 : 2 }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// `formula: daily-news topic=AI lang="zh CN"` — a formula name and its variables.
public struct FormulaCall: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var variables: [String: String]

    public init(name: String, variables: [String: String] = [:]) {
        self.name = name
        self.variables = variables
    }

    /// Parses `name key=value key="value with spaces"`; the error says what is wrong.
    public static func parse(_ text: String) -> Result<FormulaCall, OptionError> {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
            } else if character.isWhitespace, !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if quoted { return .failure(OptionError("has an unclosed quote: close it, like topic=\"AI safety\"")) }
        if !current.isEmpty { words.append(current) }
        guard let name = words.first else { return .failure(OptionError("needs a formula name, like formula: daily-news topic=AI")) }
        guard !name.contains("=") else { return .failure(OptionError("starts with \"\(name)\": write the formula name first, like formula: daily-news \(name)")) }
        var variables: [String: String] = [:]
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                return .failure(OptionError("variable \"\(word)\" needs a name and a value, like topic=AI"))
            }
            guard variables[String(parts[0])] == nil else {
                return .failure(OptionError("sets variable \"\(parts[0])\" twice: keep one"))
            }
            variables[String(parts[0])] = String(parts[1])
        }
        return .success(FormulaCall(name: name, variables: variables))
    }

    /// `daily-news topic=AI`, variables sorted by name.
    public var description: String {
        ([name] + variables.keys.sorted().map { key in
            let value = variables[key]!
            return value.contains(where: \.isWhitespace) || value.isEmpty ? "\(key)=\"\(value)\"" : "\(key)=\(value)"
        }).joined(separator: " ")
    }
}

/// Why an option's value was refused; the document parser adds the file, line and task.
public struct OptionError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
