import Foundation
import GatewayCore

/// The wall-clock hours in which beats may run, in one IANA zone. `start` is inclusive and `end`
/// exclusive; an `end` before `start` wraps past midnight (overnight); `24:00` ends the day. The
/// maths reads the wall clock at each instant, so DST changes move the window with the clock.
public struct ActiveWindow: Sendable, Equatable {
    public var start: ClockTime
    public var end: ClockTime
    public var zone: TimeZone

    public init(start: ClockTime, end: ClockTime, zone: TimeZone) {
        self.start = start
        self.end = end
        self.zone = zone
    }

    private var startMinute: Int { start.minutes % 1440 }
    private var endMinute: Int { end.minutes == 0 ? 1440 : end.minutes }

    /// True when a beat may run at `date`.
    public func contains(_ date: Date) -> Bool {
        let minute = ZonedTime.local(date, in: zone).minuteOfDay
        if startMinute == endMinute % 1440 { return true }
        if startMinute < endMinute { return minute >= startMinute && minute < endMinute }
        return minute >= startMinute || minute < endMinute
    }

    /// The earliest instant at or after `date` at which the window is open.
    public func nextOpening(after date: Date) -> Date {
        if contains(date) { return date }
        let today = ZonedTime.local(date, in: zone).day
        for offset in -1...2 {
            let opening = ZonedTime.instant(today.adding(days: offset), minute: startMinute, in: zone)
            if opening >= date, contains(opening) { return opening }
        }
        // Unreachable for real zones: every day has a start time. Fall back to a day later.
        return date.addingTimeInterval(86_400)
    }

    /// `08:00-23:00 Asia/Shanghai`.
    public var description: String { "\(start)-\(end) \(zone.identifier)" }
}
