import Foundation
import GatewayCore

/// The Mayor's `notify` tool: a notification from an agent, size-capped and rate-limited by `[mcp]`,
/// with the reason and the time to try again when refused — the agent reads the tool's answer.
public struct AgentNotify: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let settings: NotifySettings
    let limits: MCPSettings

    /// Outbox sources of agent notifications start with this; the rate limit counts them.
    public static let sourcePrefix = "mcp:"

    public init(environment: GatewayEnvironment, town: Town, settings: NotifySettings, limits: MCPSettings) {
        self.environment = environment
        self.town = town
        self.settings = settings
        self.limits = limits
    }

    /// Queues the notification (and delivers it when no daemon does and this process can); the text
    /// says what happened. Refusals throw with the limit, its setting and when to try again.
    public func send(target: String, title: String, text: String, priority: NotificationPriority, timeout: TimeInterval = 30) async throws -> String {
        let target = try settings.requireTarget(target)
        let size = title.utf8.count + text.utf8.count
        guard size <= limits.notifyMaxBytes else {
            throw GatewayError.usage("refused: the notification is \(size) bytes and the notify tool takes at most \(limits.notifyMaxBytes) ([mcp] notify_max_bytes in gateway.toml). Send a short summary; put the details in memory (memory_append) and say where they are.")
        }
        let request = NotificationRequest(source: Self.sourcePrefix + UUID().uuidString.lowercased(), target: target.name,
                                          title: title, text: text, priority: priority)
        let ledger = try environment.ledger(town)
        let now = environment.clock.now()
        let window = limits.notifyWindow.seconds
        switch try await ledger.enqueueNotification(request, now: now, sourcePrefix: Self.sourcePrefix, limit: limits.notifyLimit, window: window) {
        case .refused(let retryAt):
            let wait = max(1, Int(retryAt.timeIntervalSince(now).rounded(.up)))
            let at = ISO8601DateFormatter().string(from: retryAt)
            throw GatewayError.usage("refused: the notify tool takes at most \(limits.notifyLimit) notifications per \(limits.notifyWindow) ([mcp] notify_limit and notify_window in gateway.toml), and that many were sent. Try again in \(wait) s (after \(at)), and only if it still matters; otherwise put it in memory for the owner to read.")
        case .enqueued(let entry, let inserted):
            // Agents never get Gateway's secrets, so an MCP server started by one usually cannot deliver
            // to a target that needs one: the row waits for the daemon (or `gw notify retry`).
            let secretsHere = target.secrets.allSatisfy { (try? $0.resolve(variables: environment.variables, root: town.root)) != nil }
            guard secretsHere else {
                DaemonDoorbell(town: town).ring(.outbox)
                return "queued: notification \(entry.id) to \(target.name); Gateway's daemon delivers it (or `gw notify retry \(entry.id)` when none runs)"
            }
            let outcome = try await NotifyService(environment: environment, town: town, settings: settings)
                .deliver(entry, inserted: inserted, ledger: ledger, timeout: timeout)
            return "\(outcome.status): notification \(outcome.entry.id) to \(target.name)"
        }
    }
}
