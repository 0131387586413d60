import Foundation
import GatewayCore

/// What the watchdog has seen of one agent between its looks: since when each sign of life stood still.
/// A screen that changes is no sign that a turn advances (Claude's spinner moves while a stream hangs);
/// hook events, transcript growth and CPU time are.
package struct AgentWatch: Sendable {
    package struct Observation: Sendable {
        package var screen: String
        package var dialog: AgentScreen.Dialog?
        package var lastEventId: Int64?
        package var transcriptBytes: Int?
        package var cpuSeconds: Double?
        package var turn: Turn?
        package var permissionPending: Bool

        package init(screen: String, dialog: AgentScreen.Dialog?, lastEventId: Int64?, transcriptBytes: Int?, cpuSeconds: Double?, turn: Turn?, permissionPending: Bool) {
            self.screen = screen
            self.dialog = dialog
            self.lastEventId = lastEventId
            self.transcriptBytes = transcriptBytes
            self.cpuSeconds = cpuSeconds
            self.turn = turn
            self.permissionPending = permissionPending
        }
    }

    /// What the watchdog should do after a look.
    package enum Finding: Sendable, Equatable {
        /// Tell the owner, once per `key`.
        case escalate(key: String, what: String)
        /// The turn is stuck: fail it and restart the agent with its conversation.
        case stuck(turn: Int64, why: String)
    }

    var screen: String?
    var screenSince: Date
    var eventId: Int64?
    var eventSince: Date
    var transcriptBytes: Int?
    var transcriptSince: Date
    var cpu: Double?
    var cpuSince: Date
    var dialogSince: Date?
    var turnId: Int64?

    package init(at now: Date) {
        (screenSince, eventSince, transcriptSince, cpuSince) = (now, now, now, now)
    }

    /// Takes one look in; returns what calls for action, given the settings.
    package mutating func observe(_ seen: Observation, at now: Date, settings: WatchdogSettings) -> [Finding] {
        if seen.turn?.id != turnId {
            // A new turn: every clock starts again.
            self = AgentWatch(at: now)
            turnId = seen.turn?.id
        }
        if seen.screen != screen { (screen, screenSince) = (seen.screen, now) }
        if seen.lastEventId != eventId { (eventId, eventSince) = (seen.lastEventId, now) }
        if seen.transcriptBytes != transcriptBytes { (transcriptBytes, transcriptSince) = (seen.transcriptBytes, now) }
        // A few hundredths of a second now and then is a spinner, not work: CPU counts as life only
        // above 2 % of the time since it last did, plus the clock's resolution.
        if let used = seen.cpuSeconds {
            if let before = cpu, used - before <= 0.02 * now.timeIntervalSince(cpuSince) + 0.05 {
                // Still idle.
            } else {
                (cpu, cpuSince) = (used, now)
            }
        }
        dialogSince = seen.dialog == nil ? nil : (dialogSince ?? now)
        var findings: [Finding] = []
        let escalate = settings.escalateAfter.seconds
        if let dialog = seen.dialog, let since = dialogSince, now.timeIntervalSince(since) >= escalate {
            findings.append(.escalate(key: "dialog:\(Int64(since.timeIntervalSince1970))", what: "shows a \(dialog.rawValue) and waits for an answer"))
        }
        guard let turn = seen.turn, turn.state == .submitted, !seen.permissionPending, seen.dialog == nil else { return findings }
        let quiet = now.timeIntervalSince(max(eventSince, screenSince))
        if quiet >= escalate {
            findings.append(.escalate(key: "silent:\(turn.id)", what: "has shown no hook event and no change on screen for \(Int(quiet)) s in turn \(turn.id)"))
        }
        let still = now.timeIntervalSince(max(eventSince, transcriptSince, cpuSince))
        if still >= settings.stuckAfter.seconds {
            findings.append(.stuck(turn: turn.id, why: "no hook event, no transcript growth and no CPU time for \(ConfigDuration.seconds(still.rounded()))"))
        }
        return findings
    }
}
