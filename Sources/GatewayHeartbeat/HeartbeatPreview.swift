import Foundation
import GatewayCore

/// What `gw heartbeat dry-run` shows: whether a beat is due at a moment, which tasks it would carry
/// and why, the skip reason if any, and the exact prompt — without calling the agent.
public struct HeartbeatPreview: Sendable, Equatable, Codable {
    public struct TaskLine: Sendable, Equatable, Codable {
        public var name: String
        public var line: Int
        public var schedule: String
        public var priority: String
        public var due: Bool
        public var reason: String
        public var notify: [String]
        public var urgent: [String]
        public var formula: String?
    }

    public var at: Date
    /// `2026-11-26 09:00` in the heartbeat's zone.
    public var localTime: String
    public var timeZone: String
    /// nil when the heartbeat is off.
    public var every: String?
    /// nil when always active.
    public var activeHours: String?
    public var lastBeat: Date?
    public var nextBeat: Date?
    /// True when the schedule would beat at `at` (interval passed, window open).
    public var beatDue: Bool
    public var missedBeats: Int
    public var tasks: [TaskLine]
    public var dueTasks: [String]
    /// The day whose memory-organising step would run, if it is due.
    public var organizeDay: String?
    public var skipCode: String?
    public var skipReason: String?
    /// The exact prompt; nil when the beat would be skipped.
    public var prompt: String?

    /// Previews a beat at `at` from plain values.
    public static func make(settings: HeartbeatSettings, document: HeartbeatDocument, marks: HeartbeatMarks,
                            at: Date, systemZone: TimeZone = .current) -> HeartbeatPreview {
        let scheduler = HeartbeatScheduler(settings: settings, document: document, startedAt: at, systemZone: systemZone)
        var plan = scheduler.plan(at: at, marks: marks)
        var beatDue = false
        var missed = 0
        switch scheduler.tick(now: at, marks: marks) {
        case .beat(let decision), .skip(let decision):
            beatDue = true
            missed = decision.missedBeats
            plan = decision.plan
        case .wait:
            break
        }
        let zone = scheduler.zone
        return HeartbeatPreview(
            at: at, localTime: ZonedTime.local(at, in: zone).text, timeZone: zone.identifier,
            every: settings.every?.description, activeHours: scheduler.window?.description,
            lastBeat: marks.lastBeat, nextBeat: scheduler.nextBeat(after: at, marks: marks), beatDue: beatDue, missedBeats: missed,
            tasks: plan.checks.map { check in
                TaskLine(name: check.task.name, line: check.task.line, schedule: check.task.schedule.description,
                         priority: check.task.priority.rawValue, due: check.isDue, reason: check.reason,
                         notify: check.task.notify ?? settings.notify, urgent: check.task.urgent ?? settings.urgentTargets,
                         formula: check.task.formula?.description)
            },
            dueTasks: plan.dueTasks.map(\.task.name), organizeDay: plan.organizeDay?.description,
            skipCode: plan.skipReason?.code, skipReason: plan.skipReason?.describe(in: zone),
            prompt: plan.skipReason == nil
                ? HeartbeatPrompt.render(plan, notes: document.notes, settings: settings, zone: zone, missedBeats: missed)
                : nil)
    }

    /// Previews a beat at `at` for a town: its heartbeat settings, HEARTBEAT.md and ledger marks.
    public static func make(environment: GatewayEnvironment, town: Town, settings: HeartbeatSettings, at: Date,
                            systemZone: TimeZone = .current) async throws -> HeartbeatPreview {
        let document = try HeartbeatDocument.load(from: town.heartbeatFile)
        let marks = try await environment.ledger(town).loadHeartbeatMarks()
        return make(settings: settings, document: document, marks: marks, at: at, systemZone: systemZone)
    }

    /// Reads `--at`: ISO 8601 with a zone (`2026-11-26T09:00:00+08:00`, `…Z`), or a wall-clock time
    /// without one (`2026-11-26T09:00`, `2026-11-26 09:00:30`) read in the heartbeat's zone.
    public static func parseMoment(_ text: String, zone: TimeZone) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2, let day = LocalDay(parsing: String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3, let time = ClockTime(parsing: clock.prefix(2).joined(separator: ":")),
              time.minutes < 1440
        else { return nil }
        var seconds = 0
        if clock.count == 3 {
            guard clock[2].count == 2, let value = Int(clock[2]), (0..<60).contains(value) else { return nil }
            seconds = value
        }
        return ZonedTime.instant(day, minute: time.minutes, in: zone).addingTimeInterval(Double(seconds))
    }
}
