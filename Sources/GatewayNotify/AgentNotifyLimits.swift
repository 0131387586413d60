import Foundation
import GRDB
import GatewayCore

/// `[mcp]` in gateway.toml: limits on what the Mayor may do through Gateway's MCP tools. An agent (or
/// a prompt injected into one) can call `notify` in a loop; the owner's phone must not pay for that.
public struct MCPSettings: Sendable, Equatable {
    /// At most this many `notify` calls are accepted within `notifyWindow`, across every `gw mcp serve`.
    public var notifyLimit: Int = 5
    public var notifyWindow: ConfigDuration = .minutes(1)
    /// The largest notification text the tool accepts, in bytes of UTF-8.
    public var notifyMaxBytes: Int = 4096

    public init() {}

    package init(_ table: TableReader) {
        notifyLimit = table.integer("notify_limit", default: notifyLimit, range: 1...1000)
        notifyWindow = table.duration("notify_window", default: notifyWindow, minimum: .seconds(1)) ?? notifyWindow
        notifyMaxBytes = table.integer("notify_max_bytes", default: notifyMaxBytes, range: 16...1_000_000)
        table.finish()
    }
}

/// What became of a rate-limited enqueue.
public enum LimitedEnqueue: Sendable, Equatable {
    case enqueued(OutboxEntry, inserted: Bool)
    /// `limit` notifications of this source kind were queued within the window; one more fits at `retryAt`.
    case refused(retryAt: Date)
}

extension Ledger {
    /// Enqueues `request` unless `limit` notifications whose source starts with `sourcePrefix` were
    /// queued within `window` before `now`. The outbox itself is the count, and the count and the insert
    /// are one immediate transaction, so the limit holds across processes (each MCP server is one).
    public func enqueueNotification(_ request: NotificationRequest, now: Date, sourcePrefix: String, limit: Int,
                                    window: TimeInterval) throws -> LimitedEnqueue {
        try database.writeWithoutTransaction { db in
            var outcome = LimitedEnqueue.refused(retryAt: now)
            try db.inTransaction(.immediate) {
                let since = now.timeIntervalSince1970 - window
                let pattern = sourcePrefix.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                // The `limit`-th most recent in the window: when it leaves the window, one more fits.
                let blocking = try Double.fetchOne(db, sql: """
                    SELECT created_at FROM outbox WHERE source LIKE ? ESCAPE '\\' AND created_at > ?
                    ORDER BY created_at DESC LIMIT 1 OFFSET ?
                    """, arguments: [pattern, since, limit - 1])
                if let blocking {
                    outcome = .refused(retryAt: Date(timeIntervalSince1970: blocking + window))
                    return .rollback
                }
                let (entry, inserted) = try Self.insertNotification(db, request, now: now)
                outcome = .enqueued(entry, inserted: inserted)
                return .commit
            }
            return outcome
        }
    }
}
