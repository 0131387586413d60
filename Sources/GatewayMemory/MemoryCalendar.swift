import Foundation
import GatewayCore

/// Days of the Mayor's daily logs, counted in one time zone: the heartbeat's if configured, else the system's.
public struct MemoryCalendar: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    public init(config: MemoryConfig) {
        self.init(timeZone: config.timeZone)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `YYYY-MM-DD` of the day `date` falls on in this zone.
    public func day(of date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// `HH:MM` of `date` in this zone, the stamp of a log entry.
    public func time(of date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Reads what a user typed for a day: `YYYY-MM-DD`, `today` or `yesterday`.
    public func parseDay(_ text: String, now: Date) throws -> String {
        switch text.lowercased() {
        case "today": return day(of: now)
        case "yesterday": return day(of: now.addingTimeInterval(-86_400))
        default: break
        }
        guard Self.isDay(text) else {
            throw GatewayError.usage("\"\(text)\" is not a date: write YYYY-MM-DD (like 2026-03-14), today or yesterday")
        }
        return text
    }

    /// True for a real calendar day written `YYYY-MM-DD` (2026-02-30 is not one).
    public static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}
