import Foundation
import GatewayCore

/// The wall-clock window in which beats may run, as configured. `end` before `start` means overnight.
public struct ActiveHours: Sendable, Equatable {
    public var start: ClockTime
    public var end: ClockTime
    /// nil means the system's zone.
    public var timeZone: TimeZone?

    public init(start: ClockTime, end: ClockTime, timeZone: TimeZone? = nil) {
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }
}

/// What happens to beats missed while the machine slept or Gateway was down.
public enum CatchUpPolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Missed beats collapse into one beat as soon as Gateway is back (and the window is open).
    case one
    /// Missed beats are dropped; the next beat comes one interval after Gateway is back.
    case none
}

/// `[heartbeat]` in gateway.toml.
public struct HeartbeatSettings: Sendable, Equatable {
    /// nil when the heartbeat is off.
    public var every: ConfigDuration? = .minutes(30)
    /// nil means always active.
    public var activeHours: ActiveHours?
    /// Notification targets for findings.
    public var notify: [String] = []
    /// Notification targets for urgent lines; empty means the `notify` targets.
    public var urgent: [String] = []
    /// A prompt replacing the default one; see `HeartbeatPrompt` for its placeholders.
    public var prompt: String?
    /// A reply holding `HEARTBEAT_OK` with at most this many other characters counts as "nothing to report".
    public var ackMaxChars: Int = 300
    public var catchUp: CatchUpPolicy = .one
    /// When the daily memory-organising step becomes due (in the heartbeat's zone); nil when off.
    public var organizeAt: ClockTime? = ClockTime(hour: 4, minute: 0)

    public init() {}

    /// The zone every heartbeat time is read in: the active hours' zone, else the system's.
    public func timeZone(system: TimeZone = .current) -> TimeZone {
        activeHours?.timeZone ?? system
    }

    /// The active window, or nil when beats may run at any hour.
    public func window(system: TimeZone = .current) -> ActiveWindow? {
        activeHours.map { ActiveWindow(start: $0.start, end: $0.end, zone: timeZone(system: system)) }
    }

    /// Where urgent lines go.
    public var urgentTargets: [String] { urgent.isEmpty ? notify : urgent }

    package init(_ table: TableReader) {
        every = table.duration("every", default: every, allowOff: true, minimum: .seconds(1))
        if let hours = table.table("active_hours") { activeHours = Self.activeHours(hours) }
        notify = Self.targets(table, "notify")
        urgent = Self.targets(table, "urgent")
        if let text = table.string("prompt") {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                table.problem("prompt", "is empty: remove it to use the default prompt")
            } else if let unknown = HeartbeatPrompt.unknownPlaceholders(in: text).first {
                table.problem("prompt", "unknown placeholder {{\(unknown)}} (known: \(HeartbeatPrompt.placeholders.map { "{{\($0)}}" }.joined(separator: ", ")))")
            } else {
                prompt = text
            }
        }
        ackMaxChars = table.integer("ack_max_chars", default: ackMaxChars, range: 0...100_000)
        let policy = table.choice("catch_up", CatchUpPolicy.allCases.map(\.rawValue), default: catchUp.rawValue)
        catchUp = CatchUpPolicy(rawValue: policy) ?? .one
        organizeAt = Self.organizeTime(table, default: organizeAt)
        table.finish()
    }

    private static func activeHours(_ hours: TableReader) -> ActiveHours? {
        let start = hours.clockTime("start")
        let end = hours.clockTime("end")
        let zone = hours.timeZone("timezone")
        if !hours.contains("start") { hours.problem("start", "is required, like start = \"08:00\"") }
        if !hours.contains("end") { hours.problem("end", "is required, like end = \"23:00\"") }
        hours.finish()
        guard var start, let end else { return nil }
        if start.minutes == 1440 { start = ClockTime(minutes: 0) }
        if start.minutes == end.minutes {
            hours.problem("end", "equals start: the window would be empty; remove active_hours to be always active")
            return nil
        }
        return ActiveHours(start: start, end: end, timeZone: zone)
    }

    private static func targets(_ table: TableReader, _ key: String) -> [String] {
        let names = table.stringArray(key)
        if let bad = names.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.contains(" ") }) {
            table.problem(key, "\"\(bad)\" is not a target name: write names without spaces, like \(key) = [\"phone\", \"mail\"]")
            return []
        }
        return names
    }

    private static func organizeTime(_ table: TableReader, default fallback: ClockTime?) -> ClockTime? {
        guard let text = table.string("organize_at") else { return fallback }
        if text.lowercased() == "off" { return nil }
        guard let time = ClockTime(parsing: text) else {
            table.problem("organize_at", "\"\(text)\" is not a clock time: write HH:MM, like \"04:00\", or \"off\"")
            return fallback
        }
        if time.minutes == 1440 {
            table.problem("organize_at", "\"24:00\" is the end of the day: write \"00:00\" for midnight")
            return fallback
        }
        return time
    }
}
