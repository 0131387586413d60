import Foundation

/// What the scheduler must remember across restarts, kept in the ledger. Every decision is a
/// function of these marks and the time, so a restarted daemon decides exactly as the old one would
/// have: it never doubles a beat and never forgets a missed daily task.
public struct HeartbeatMarks: Sendable, Equatable, Codable {
    /// One task's history, keyed by `HeartbeatTask.key`.
    public struct TaskMark: Sendable, Equatable, Codable {
        /// When the task last went out in a beat.
        public var lastRun: Date?
        /// For calendar schedules: the local day whose slot that run served.
        public var lastSlotDay: LocalDay?
        /// Set when the beat that last carried the task failed (its turn failed, timed out or died):
        /// the next beat carries the task again, whatever its schedule says. Cleared when a beat
        /// carries it.
        public var owedSince: Date?

        public init(lastRun: Date? = nil, lastSlotDay: LocalDay? = nil, owedSince: Date? = nil) {
            self.lastRun = lastRun
            self.lastSlotDay = lastSlotDay
            self.owedSince = owedSince
        }
    }

    /// When the last beat was decided: run or skipped. The next beat is one interval after it.
    public var lastBeat: Date?
    public var tasks: [String: TaskMark]
    /// The local day whose memory-organising step last ran.
    public var lastOrganizedDay: LocalDay?

    public init(lastBeat: Date? = nil, tasks: [String: TaskMark] = [:], lastOrganizedDay: LocalDay? = nil) {
        self.lastBeat = lastBeat
        self.tasks = tasks
        self.lastOrganizedDay = lastOrganizedDay
    }

    public static let none = HeartbeatMarks()

    /// The marks after `decision` has been carried out (or recorded as skipped).
    public func recording(_ decision: BeatDecision) -> HeartbeatMarks {
        var next = self
        next.lastBeat = decision.time
        for due in decision.plan.dueTasks {
            next.tasks[due.task.key] = TaskMark(lastRun: decision.time, lastSlotDay: due.slotDay ?? tasks[due.task.key]?.lastSlotDay)
        }
        if let day = decision.plan.organizeDay { next.lastOrganizedDay = day }
        return next
    }
}
