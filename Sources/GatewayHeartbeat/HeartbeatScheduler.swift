import Foundation
import GatewayCore

/// The heartbeat's schedule as a pure state machine: given the time and the persisted marks it says
/// whether a beat is due, which tasks it carries, or how long to wait. It reads no clock and keeps no
/// state, so tests step a manual clock and a restarted daemon decides exactly as before.
///
/// The daemon's loop:
/// 1. Load settings, HEARTBEAT.md and `ledger.loadHeartbeatMarks()`; build a scheduler
///    (again whenever the file or config changes; `startedAt` stays the daemon's start).
/// 2. `tick(now: clock.now(), marks:)`:
///    - `.wait(until:)` — sleep until then (or until a file changes), then tick again;
///    - `.skip(decision)` — `ledger.recordBeat(decision)`; no agent call for HEARTBEAT.md; tick again;
///    - `.beat(decision)` — if the Mayor is busy or someone is typing, do nothing and tick again
///      later (the beat stays due); otherwise `ledger.recordBeatRun(decision, ...)` first — so a crash after
///      sending never repeats the beat — then send `HeartbeatPrompt.render(...)` as one turn, and
///      read the reply with `HeartbeatReply.parse(...)`.
///    - Either way, `decision.plan.organizeDay` set means the daily memory-organising step is due: the
///      memory feature runs it as a turn of its own after the beat's turn, if yesterday left anything
///      to organise. `recordBeat` marks that day as organised.
public struct HeartbeatScheduler: Sendable {
    public var settings: HeartbeatSettings
    public var document: HeartbeatDocument
    /// When the daemon started: the first beat ever comes one interval later.
    public var startedAt: Date
    /// The zone all wall-clock times are read in.
    public var zone: TimeZone
    public var window: ActiveWindow?

    /// An `every` task counts as due this much before its interval has fully passed, so a beat that
    /// lands a moment early does not push the task a whole beat later.
    static let intervalSlack: TimeInterval = 60

    public init(settings: HeartbeatSettings, document: HeartbeatDocument, startedAt: Date, systemZone: TimeZone = .current) {
        self.settings = settings
        self.document = document
        self.startedAt = startedAt
        self.zone = settings.timeZone(system: systemZone)
        self.window = settings.window(system: systemZone)
    }

    /// When the next beat falls due: one interval after the last recorded beat (or after the start),
    /// moved to the next opening of the active window; nil when off. A last beat in the future means
    /// the clock was set back: then the beat is due at once, which re-anchors the schedule, rather
    /// than stalling until the clock catches up.
    public func dueTime(now: Date, marks: HeartbeatMarks) -> Date? {
        guard let every = settings.every else { return nil }
        if let last = marks.lastBeat, last > now { return window?.nextOpening(after: now) ?? now }
        let base = (marks.lastBeat ?? startedAt).addingTimeInterval(every.seconds)
        return window?.nextOpening(after: base) ?? base
    }

    /// When the next beat can run, seen from `now` (what `gw heartbeat status` shows): the due time,
    /// or when overdue, now or the window's next opening. nil when the heartbeat is off.
    public func nextBeat(after now: Date, marks: HeartbeatMarks) -> Date? {
        guard let due = dueTime(now: now, marks: marks) else { return nil }
        return due > now ? due : window?.nextOpening(after: now) ?? now
    }

    /// Decides what to do at `now`.
    public func tick(now: Date, marks: HeartbeatMarks) -> HeartbeatAction {
        guard let every = settings.every, let due = dueTime(now: now, marks: marks) else { return .wait(until: nil) }
        if now < due { return .wait(until: due) }
        if let window, !window.contains(now) { return .wait(until: window.nextOpening(after: now)) }
        let missed = Int(now.timeIntervalSince(due) / every.seconds)
        var plan = plan(at: now, marks: marks)
        if missed > 0, settings.catchUp == .none {
            plan = BeatPlan(time: now, checks: plan.checks, dueTasks: [], organizeDay: nil, skipReason: .missedBeats(missed))
        }
        let decision = BeatDecision(time: now, plan: plan, missedBeats: missed)
        return decision.callsAgent ? .beat(decision) : .skip(decision)
    }

    /// What a beat at `now` would carry, whether or not a beat is due then (dry-run, manual wake).
    /// Tasks named in `forcing` are due whatever their schedule says.
    public func plan(at now: Date, marks: HeartbeatMarks, forcing: Set<String> = []) -> BeatPlan {
        let forced = Set(forcing.map(HeartbeatTask.key))
        let checks = document.tasks.map { task in
            forced.contains(task.key) && !task.isEmpty
                ? TaskCheck(task: task, isDue: true, slotDay: nil, reason: "due: asked for by name")
                : check(task, at: now, marks: marks)
        }
        let due = checks.filter(\.isDue)
            .enumerated()
            .sorted { ($0.element.task.priority, $0.offset) < ($1.element.task.priority, $1.offset) }
            .map { DueTask(task: $0.element.task, slotDay: $0.element.slotDay) }
        let scheduledDue = due.contains { $0.task.schedule != .everyBeat }
        let organize = scheduledDue ? nil : organizeDay(at: now, marks: marks)
        var reason: SkipReason?
        if settings.every == nil, forcing.isEmpty {
            reason = .heartbeatOff
        } else if let window, !window.contains(now), forcing.isEmpty {
            reason = .outsideActiveHours(opensAt: window.nextOpening(after: now))
        } else if due.isEmpty {
            reason = !document.exists ? .noHeartbeatFile : document.isEffectivelyEmpty ? .emptyFile : .noTaskDue
            // The organising step is memory work, not a HEARTBEAT.md task: it never turns an idle beat
            // into an agent call here; its caller decides whether there is anything to organise.
            return BeatPlan(time: now, checks: checks, dueTasks: [], organizeDay: organize, skipReason: reason)
        }
        if reason != nil { return BeatPlan(time: now, checks: checks, dueTasks: [], organizeDay: nil, skipReason: reason) }
        return BeatPlan(time: now, checks: checks, dueTasks: due, organizeDay: organize, skipReason: nil)
    }

    /// Whether `task` is due at `now` under its schedule and marks — or because the beat that last
    /// carried it failed, which makes it due at the next beat.
    public func check(_ task: HeartbeatTask, at now: Date, marks: HeartbeatMarks) -> TaskCheck {
        let scheduled = scheduleCheck(task, at: now, marks: marks)
        guard !scheduled.isDue, !task.isEmpty, let owed = marks.tasks[task.key]?.owedSince else { return scheduled }
        return TaskCheck(task: task, isDue: true, slotDay: nil, reason: "due: the beat that carried it at \(localText(owed)) failed")
    }

    /// Whether `task` is due at `now` under its schedule and marks alone.
    func scheduleCheck(_ task: HeartbeatTask, at now: Date, marks: HeartbeatMarks) -> TaskCheck {
        func result(_ due: Bool, _ reason: String, slot: LocalDay? = nil) -> TaskCheck {
            TaskCheck(task: task, isDue: due, slotDay: slot, reason: reason)
        }
        if task.isEmpty { return result(false, "not due: the section is empty (no steps, no formula)") }
        let mark = marks.tasks[task.key]
        switch task.schedule {
        case .everyBeat:
            return result(true, "due: runs at every beat")
        case .every(let interval):
            guard let last = mark?.lastRun else { return result(true, "due: every \(interval), never ran") }
            let next = last.addingTimeInterval(interval.seconds)
            if now.addingTimeInterval(Self.intervalSlack) >= next {
                return result(true, "due: every \(interval), last ran \(localText(last))")
            }
            return result(false, "not due: every \(interval), next at \(localText(next))")
        case .calendar(let days, let time):
            let today = ZonedTime.local(now, in: zone).day
            let upcoming = nextSlot(days: days, at: time, after: now).map { localText($0) } ?? "?"
            guard let slot = latestSlot(days: days, at: time, atOrBefore: now) else {
                return result(false, "not due: \(task.schedule), next at \(upcoming)")
            }
            if let done = mark?.lastSlotDay, done >= slot.day {
                return result(false, "not due: \(task.schedule), ran for \(done); next at \(upcoming)")
            }
            if mark?.lastSlotDay == nil, slot.day != today {
                return result(false, "not due: \(task.schedule), first run at \(upcoming)")
            }
            let late = slot.day < today ? ", missed on \(slot.day) and run now" : ""
            return result(true, "due: \(task.schedule) (\(slot.day))\(late)", slot: slot.day)
        }
    }

    /// The day whose memory-organising step is due at `now`, if any.
    public func organizeDay(at now: Date, marks: HeartbeatMarks) -> LocalDay? {
        guard let time = settings.organizeAt,
              let slot = latestSlot(days: Set(Weekday.allCases), at: time, atOrBefore: now)
        else { return nil }
        if let done = marks.lastOrganizedDay { return done >= slot.day ? nil : slot.day }
        return slot.day == ZonedTime.local(now, in: zone).day ? slot.day : nil
    }

    /// The most recent slot of a calendar schedule at or before `now`.
    func latestSlot(days: Set<Weekday>, at time: ClockTime, atOrBefore now: Date) -> (day: LocalDay, time: Date)? {
        let today = ZonedTime.local(now, in: zone).day
        for back in 0...7 {
            let day = today.adding(days: -back)
            guard days.contains(day.weekday) else { continue }
            let instant = ZonedTime.instant(day, minute: time.minutes, in: zone)
            if instant <= now { return (day, instant) }
        }
        return nil
    }

    /// The first slot of a calendar schedule after `now`.
    func nextSlot(days: Set<Weekday>, at time: ClockTime, after now: Date) -> Date? {
        let today = ZonedTime.local(now, in: zone).day
        for ahead in 0...8 {
            let day = today.adding(days: ahead)
            guard days.contains(day.weekday) else { continue }
            let instant = ZonedTime.instant(day, minute: time.minutes, in: zone)
            if instant > now { return instant }
        }
        return nil
    }

    private func localText(_ date: Date) -> String { ZonedTime.local(date, in: zone).text }
}
