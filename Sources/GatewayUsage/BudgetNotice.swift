import Foundation
import GatewayCore
import GatewayAgents

/// Tells the owner, once per pause, that a budget stopped a source: the outbox key holds the source,
/// the budget and when the pause ends, so every later skip in the same period finds it queued already.
public enum BudgetNotice {
    public static func tell(_ pause: BudgetPause, pausing what: BudgetScope, runtime: AgentRuntime, ledger: Ledger, zone: TimeZone) async throws {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        let waits = switch what {
        case .heartbeat: "Heartbeats are skipped, with no model call,"
        case .sling: "Slung tasks wait in the queue"
        case .chat: "Chat messages wait, kept,"
        }
        try await OwnerAlert(runtime: runtime, ledger: ledger).send(
            source: "budget:\(what.rawValue):\(pause.budget):\(Int64(pause.until.timeIntervalSince1970))",
            title: "Budget reached: \(what.rawValue) paused",
            text: "\(pause.description) is reached. \(waits) until \(formatter.string(from: pause.until)). `gw usage` shows what was spent; `gw budget resume` lifts the pause.")
    }
}
