import Foundation

/// A calendar day in some time zone, counted in days since 1970-01-01. Plain integer maths (Howard
/// Hinnant's civil-date algorithms), so schedule decisions never depend on `Calendar`'s DST rules.
public struct LocalDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var number: Int

    public init(number: Int) { self.number = number }

    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        number = era * 146_097 + dayOfEra - 719_468
    }

    /// Parses `YYYY-MM-DD`; nil when it is not a real date.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard components == (year, month, day) else { return nil }
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        Weekday(rawValue: ((number + 4) % 7 + 7) % 7)!
    }

    public func adding(days: Int) -> LocalDay { LocalDay(number: number + days) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }

    /// `YYYY-MM-DD`, the name of the daily log file.
    public var description: String {
        let (year, month, day) = components
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = LocalDay(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A day of the week, 0 = Sunday as in C's `tm_wday`.
public enum Weekday: Int, Sendable, CaseIterable, Codable, Comparable {
    case sunday, monday, tuesday, wednesday, thursday, friday, saturday

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `mon`, `tue`, … as schedules are written.
    public var shortName: String { ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][rawValue] }
    public var name: String { ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][rawValue] }

    public static let workdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]
    public static let weekend: Set<Weekday> = [.saturday, .sunday]

    /// Accepts `mon`, `monday`, `Mon`, and the Chinese `周一` / `星期一` (`周日`, `周天`, `星期天` for Sunday).
    public init?(parsing text: String) {
        let word = text.lowercased()
        let chinese = ["日", "一", "二", "三", "四", "五", "六"]
        for day in Weekday.allCases {
            let names = [day.shortName, day.name.lowercased(), "周" + chinese[day.rawValue], "星期" + chinese[day.rawValue]]
                + (day == .sunday ? ["周天", "星期天"] : [])
            if names.contains(word) {
                self = day
                return
            }
        }
        return nil
    }
}

/// The wall-clock reading of an instant in a zone.
public struct LocalTime: Sendable, Equatable {
    public var day: LocalDay
    /// Seconds since local midnight, 0..<86400.
    public var secondOfDay: Int
    /// The zone's offset from UTC at that instant, in seconds.
    public var offset: Int

    public var minuteOfDay: Int { secondOfDay / 60 }

    /// `2026-11-26 09:00`.
    public var text: String {
        String(format: "%@ %02d:%02d", day.description, secondOfDay / 3600, secondOfDay / 60 % 60)
    }

    /// `UTC+08:00`, `UTC-04:00`.
    public var offsetText: String {
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return String(format: "UTC%@%02d:%02d", sign, minutes / 60, minutes % 60)
    }
}

/// Conversions between instants and wall-clock times in an IANA zone, using only the zone's UTC
/// offset at an instant — the one question every platform's tz database answers the same way.
public enum ZonedTime {
    /// What a wall clock in `zone` shows at `date`.
    public static func local(_ date: Date, in zone: TimeZone) -> LocalTime {
        let offset = zone.secondsFromGMT(for: date)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        return LocalTime(day: LocalDay(number: day), secondOfDay: seconds - day * 86_400, offset: offset)
    }

    /// The first instant at which the wall clock in `zone` reads `minute` minutes after midnight of
    /// `day` or later. A time that happens twice (autumn) gives its first occurrence; a time that
    /// never happens (the spring gap) gives the instant the clocks jump, e.g. 03:00 for 02:30.
    public static func instant(_ day: LocalDay, minute: Int, in zone: TimeZone) -> Date {
        let wall = day.number * 86_400 + minute * 60
        func offset(_ seconds: Int) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))) }
        let offsets = Set([wall - 86_400, wall, wall + 86_400].map(offset))
        let matches = offsets.map { wall - $0 }.filter { offset($0) == wall - $0 }
        if let first = matches.min() { return Date(timeIntervalSince1970: Double(first)) }
        // In a gap: search for the first second whose wall time is at or after `wall`.
        var low = wall - offsets.max()!
        var high = wall - offsets.min()!
        while low < high {
            let middle = low + (high - low) / 2
            if middle + offset(middle) >= wall { high = middle } else { low = middle + 1 }
        }
        return Date(timeIntervalSince1970: Double(low))
    }
}
