import Foundation
import GatewayUsage

/// Whether one task is due at a given time, and why — what `gw heartbeat dry-run` lists.
public struct TaskCheck: Sendable, Equatable {
    public var task: HeartbeatTask
    public var isDue: Bool
    /// For calendar schedules: the local day whose slot this run serves.
    public var slotDay: LocalDay?
    /// A short explanation: `due: daily 09:00 (2026-11-26)`, `not due: next at 2026-11-27 09:00`.
    public var reason: String
}

/// Why a beat makes no agent call. The ledger records it.
public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
    case heartbeatOff
    case outsideActiveHours(opensAt: Date)
    case noHeartbeatFile
    case emptyFile
    case noTaskDue
    /// `catch_up = "none"` dropped this many missed beats.
    case missedBeats(Int)
    /// A budget covering the heartbeat is spent: no agent call until it resets (or the owner resumes it).
    case budget(BudgetPause)

    /// A stable word for the ledger and `--json`.
    public var code: String {
        switch self {
        case .heartbeatOff: "heartbeat-off"
        case .outsideActiveHours: "outside-active-hours"
        case .noHeartbeatFile: "no-heartbeat-file"
        case .emptyFile: "empty-heartbeat-file"
        case .noTaskDue: "no-task-due"
        case .missedBeats: "missed-beats-dropped"
        case .budget: "budget"
        }
    }

    public var description: String { describe(in: TimeZone(identifier: "UTC")!) }

    /// The reason as a sentence, with times written in `zone` (`2026-11-27T08:00:00+08:00`).
    public func describe(in zone: TimeZone) -> String {
        switch self {
        case .heartbeatOff: return "the heartbeat is off (heartbeat.every = \"off\" in gateway.toml)"
        case .outsideActiveHours(let date):
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = zone
            return "outside the active hours; the window opens at \(formatter.string(from: date))"
        case .noHeartbeatFile: return "HEARTBEAT.md does not exist: write tasks there as `## name` sections"
        case .emptyFile: return "HEARTBEAT.md holds no task (only blank lines, headings, comments and empty bullets)"
        case .noTaskDue: return "no task is due"
        case .missedBeats(let count): return "\(count) missed beat\(count == 1 ? "" : "s") dropped (catch_up = \"none\")"
        case .budget(let pause):
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = zone
            return "\(pause.description) is reached; paused until \(formatter.string(from: pause.until)) (`gw budget resume` lifts it)"
        }
    }
}

/// One task going out in a beat.
public struct DueTask: Sendable, Equatable {
    public var task: HeartbeatTask
    public var slotDay: LocalDay?
}

/// What a beat at `time` would carry: the due tasks (highest priority first), the daily
/// memory-organising step if it is due, or the reason to skip.
public struct BeatPlan: Sendable, Equatable {
    public var time: Date
    /// Every task of the file, due or not, in file order.
    public var checks: [TaskCheck]
    public var dueTasks: [DueTask]
    /// Set when the daily memory-organising step is due (also on a beat skipped for want of tasks);
    /// the day whose slot it serves. It waits while a scheduled task is due.
    public var organizeDay: LocalDay?
    /// nil when the beat calls the agent.
    public var skipReason: SkipReason?
}

/// A beat the scheduler decided on: record it in the ledger, then (when it runs) send its turn.
public struct BeatDecision: Sendable, Equatable {
    public var time: Date
    public var plan: BeatPlan
    /// Whole intervals missed before this beat (sleep, downtime); > 0 makes this a catch-up beat.
    public var missedBeats: Int

    public var isCatchUp: Bool { missedBeats > 0 }
    public var callsAgent: Bool { plan.skipReason == nil }
}

/// What the daemon should do after a tick.
public enum HeartbeatAction: Sendable, Equatable {
    /// Nothing to do until that time; nil when the heartbeat is off.
    case wait(until: Date?)
    /// Record the beat (`Ledger.recordBeat`), then send one turn with the plan's prompt.
    case beat(BeatDecision)
    /// Record the beat as skipped (`Ledger.recordBeat`); no agent call for HEARTBEAT.md.
    case skip(BeatDecision)
}
