import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// UTC timestamps by plain arithmetic (`gmtime_r`, `timegm`). Foundation's formatters load ICU's
/// calendar and zone data for the same job — megabytes of a long-running daemon's memory, for a format
/// that never depends on a locale or a zone.
public enum UTCStamp {
    /// `2026-11-26T01:02:03.456Z`: ISO 8601 with milliseconds, as the daemon's log writes it.
    public static func iso8601(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let milliseconds = min(999, Int((date.timeIntervalSince1970 - seconds) * 1000))
        let time = parts(Int(seconds))
        return "\(pad(time.tm_year + 1900, 4))-\(pad(time.tm_mon + 1))-\(pad(time.tm_mday))T\(pad(time.tm_hour)):\(pad(time.tm_min)):\(pad(time.tm_sec)).\(pad(milliseconds, 3))Z"
    }

    /// `20261126T010203Z`: whole seconds, no separators (a backup's file name).
    public static func compact(_ date: Date) -> String {
        let time = parts(Int(date.timeIntervalSince1970.rounded(.down)))
        return "\(pad(time.tm_year + 1900, 4))\(pad(time.tm_mon + 1))\(pad(time.tm_mday))T\(pad(time.tm_hour))\(pad(time.tm_min))\(pad(time.tm_sec))Z"
    }

    /// The date `compact` wrote, or nil for any other text.
    public static func parseCompact(_ text: String) -> Date? {
        let characters = Array(text.utf8)
        guard characters.count == 16, characters[8] == UInt8(ascii: "T"), characters[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            guard characters[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return characters[range].reduce(Int32(0)) { $0 * 10 + Int32($1 - 0x30) }
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var time = tm()
        time.tm_year = year - 1900
        time.tm_mon = month - 1
        time.tm_mday = day
        time.tm_hour = hour
        time.tm_min = minute
        time.tm_sec = second
        let result = timegm(&time)
        // timegm normalises an impossible date (February 30th) instead of refusing it.
        guard compact(Date(timeIntervalSince1970: TimeInterval(result))) == text else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(result))
    }

    private static func parts(_ seconds: Int) -> tm {
        var clock = time_t(seconds)
        var time = tm()
        gmtime_r(&clock, &time)
        return time
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
