import Foundation
import GatewayCore

/// A point in time as a person writes it on the command line: a day (`2026-12-01`, its midnight in the
/// heartbeat's time zone), a day and time (`2026-12-01 18:00`), an ISO 8601 instant, or a span back or
/// forward from now (`7d`, `12h`, `30m`).
public enum UsageDate {
    public enum Direction: Sendable { case past, future }

    public static func parse(_ text: String, zone: TimeZone, now: Date, direction: Direction, option: String) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let span = span(trimmed) {
            return direction == .past ? now.addingTimeInterval(-span) : now.addingTimeInterval(span)
        }
        if let instant = try? Date(trimmed, strategy: Date.ISO8601FormatStyle()) { return instant }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let pieces = trimmed.split(whereSeparator: { $0 == " " || $0 == "T" })
        let day = pieces.first.map { $0.split(separator: "-").map { Int($0) } } ?? []
        if pieces.count <= 2, day.count == 3, let year = day[0], let month = day[1], let date = day[2],
           (1...12).contains(month), (1...31).contains(date), (1970...9999).contains(year) {
            var parts = DateComponents(year: year, month: month, day: date)
            if pieces.count == 2 {
                let time = pieces[1].split(separator: ":").map { Int($0) }
                guard time.count == 2, let hour = time[0], let minute = time[1], (0...23).contains(hour), (0...59).contains(minute) else {
                    throw invalid(text, option: option)
                }
                parts.hour = hour
                parts.minute = minute
            }
            if let found = calendar.date(from: parts), calendar.component(.day, from: found) == date { return found }
        }
        throw invalid(text, option: option)
    }

    /// `7d`, `12h`, `30m`: the span in seconds.
    static func span(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 100_000 else { return nil }
        switch unit {
        case "d": return TimeInterval(count) * 86_400
        case "h": return TimeInterval(count) * 3_600
        case "m": return TimeInterval(count) * 60
        default: return nil
        }
    }

    static func invalid(_ text: String, option: String) -> GatewayError {
        GatewayError.usage("\(option) \"\(String(PlainText.singleLine(text).prefix(60)))\" is not a date: write a day like 2026-12-01, a day and time like \"2026-12-01 18:00\", or a span like 7d, 12h or 30m")
    }
}
