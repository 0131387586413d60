import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// An instant from ISO 8601 text with its zone, e.g. `2026-11-26T09:00:00+08:00`.
func instant(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("unknown zone \(identifier)") }
    return zone
}

extension HeartbeatSettings {
    /// Settings for a test: every `every`, optional window in `zone`.
    static func test(every: ConfigDuration? = .minutes(30), window: (String, String)? = nil, zone: String = "UTC",
                     catchUp: CatchUpPolicy = .one, organizeAt: ClockTime? = nil) -> HeartbeatSettings {
        var settings = HeartbeatSettings()
        settings.every = every
        settings.catchUp = catchUp
        settings.organizeAt = organizeAt
        if let (start, end) = window {
            settings.activeHours = ActiveHours(start: ClockTime(parsing: start)!, end: ClockTime(parsing: end)!, timeZone: GatewayKitTests.zone(zone))
        } else {
            settings.activeHours = ActiveHours(start: ClockTime(minutes: 0), end: ClockTime(minutes: 1440), timeZone: GatewayKitTests.zone(zone))
        }
        return settings
    }
}

/// Runs the scheduler the way the daemon does — wait until the time it names, record every beat and
/// skip — from `start` to `end`, and returns every decision. Nothing sleeps: time jumps.
func simulate(_ scheduler: HeartbeatScheduler, from start: Date, to end: Date, marks: inout HeartbeatMarks,
              asleep: ClosedRange<Date>? = nil) -> [BeatDecision] {
    var now = start
    var decisions: [BeatDecision] = []
    while now <= end {
        if let asleep, asleep.contains(now) { now = asleep.upperBound.addingTimeInterval(1) }
        switch scheduler.tick(now: now, marks: marks) {
        case .wait(let until):
            guard let until else { return decisions }
            now = max(until, now.addingTimeInterval(1))
        case .beat(let decision), .skip(let decision):
            decisions.append(decision)
            marks = marks.recording(decision)
        }
    }
    return decisions
}

/// The names of the tasks a decision carries.
extension BeatDecision {
    var taskNames: [String] { plan.dueTasks.map(\.task.name) }
}
