import Foundation
import GRDB
import GatewayCore

/// Where a notification stands. `sending` is written before the network call; a `sending` row found by
/// the next worker means the last one died mid-call, and it becomes `uncertain` (then is re-delivered).
/// `held` is a possible duplicate no worker sends until `gw notify retry`: a row that was not final in a
/// backup the ledger was restored from may have gone out after that backup.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    case pending, sending, uncertain, delivered, failed, held
}

/// What a caller asks to send. The idempotency key is `source` + `target`: the same pair enqueued twice
/// is one notification.
public struct NotificationRequest: Sendable, Equatable {
    /// Who raised it: `heartbeat:RUN:TASK`, `sling:ID`, `crashloop:AGENT:WHEN`, `manual:ID`.
    public var source: String
    public var target: String
    public var title: String
    public var text: String
    public var priority: NotificationPriority
    /// The message this one answers at its destination (a Telegram message id), for a chat's reply.
    public var replyTo: Int64?

    public init(source: String, target: String, title: String, text: String, priority: NotificationPriority = .normal, replyTo: Int64? = nil) {
        self.source = source
        self.target = target
        self.title = title
        self.text = text
        self.priority = priority
        self.replyTo = replyTo
    }

    public var key: String { "\(source)|\(target)" }
}

/// One outbox row.
public struct OutboxEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var key: String
    public var source: String
    public var target: String
    public var title: String
    public var text: String
    public var priority: NotificationPriority
    /// See `NotificationRequest.replyTo`.
    public var replyTo: Int64?
    public var state: OutboxState
    /// Delivery attempts that failed and counted towards `max_attempts`.
    public var attempts: Int
    /// Parts already accepted by the server (a long Telegram text is several messages).
    public var partsDone: Int
    /// How many calls ended without knowing whether the server took it (a worker killed mid-call, a
    /// timeout after sending): each re-delivery after one is a possible duplicate.
    public var interruptions: Int
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    public var lastError: String?

    package init(row: Row) {
        id = row["id"]
        key = row["key"]
        source = row["source"]
        target = row["target"]
        title = row["title"]
        text = row["text"]
        // Only the two raw values are ever written; a row edited by hand reads as normal.
        priority = NotificationPriority(rawValue: row["priority"]) ?? .normal
        replyTo = row["reply_to"]
        state = OutboxState(rawValue: row["state"]) ?? .pending
        attempts = row["attempts"]
        partsDone = row["parts_done"]
        interruptions = row["interruptions"]
        createdAt = Date(timeIntervalSince1970: row["created_at"])
        nextAttemptAt = Date(timeIntervalSince1970: row["next_attempt_at"])
        deliveredAt = (row["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        lastError = row["last_error"]
    }

    /// A stable Message-ID for email, derived from the idempotency key, so a re-delivery after a crash
    /// carries the same id and a receiver can fold the duplicate.
    public func messageID(domain: String) -> String {
        "<gw.\(StableHash.shortHex(key, length: 16))@\(domain)>"
    }
}

package enum OutboxSchema {
    package static let outbox = LedgerMigration("v2-outbox") { db in
        try db.execute(sql: """
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                source TEXT NOT NULL,
                target TEXT NOT NULL,
                title TEXT NOT NULL,
                text TEXT NOT NULL,
                priority TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                parts_done INTEGER NOT NULL DEFAULT 0,
                interruptions INTEGER NOT NULL DEFAULT 0,
                created_at DOUBLE NOT NULL,
                updated_at DOUBLE NOT NULL,
                next_attempt_at DOUBLE NOT NULL,
                delivered_at DOUBLE,
                last_error TEXT
            );
            CREATE INDEX outbox_target_state ON outbox(target, state, id);
            """)
    }

    /// A chat's reply names the message it answers.
    package static let replyTo = LedgerMigration("v9-outbox-reply-to") { db in
        try db.execute(sql: "ALTER TABLE outbox ADD COLUMN reply_to INTEGER")
    }
}

/// The outbox verbs. Every state change is one short write transaction, so a crash leaves each row in
/// a state the next worker understands.
extension Ledger {
    /// Adds a notification unless its key is already there; returns the row and whether it is new.
    @discardableResult
    public func enqueueNotification(_ request: NotificationRequest, now: Date) throws -> (entry: OutboxEntry, inserted: Bool) {
        try database.write { db in try Self.insertNotification(db, request, now: now) }
    }

    /// `enqueueNotification` inside a caller's transaction.
    package static func insertNotification(_ db: Database, _ request: NotificationRequest, now: Date) throws -> (entry: OutboxEntry, inserted: Bool) {
        let time = now.timeIntervalSince1970
        try db.execute(sql: """
            INSERT OR IGNORE INTO outbox(key, source, target, title, text, priority, state, created_at, updated_at, next_attempt_at, reply_to)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)
            """, arguments: [request.key, request.source, request.target, request.title, request.text, request.priority.rawValue, time, time, time,
                             request.replyTo])
        let inserted = db.changesCount > 0
        let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE key = ?", arguments: [request.key])!
        return (OutboxEntry(row: row), inserted)
    }

    /// Marks every `sending` row `uncertain`. Only a worker holding the outbox lock calls this, so those
    /// rows belong to a worker that died mid-call: the server may or may not have accepted them.
    @discardableResult
    public func recoverInterruptedNotifications(now: Date) throws -> [OutboxEntry] {
        try database.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = 'sending' ORDER BY id")
            try db.execute(sql: """
                UPDATE outbox SET state = 'uncertain', interruptions = interruptions + 1, updated_at = ?,
                    last_error = 'interrupted during delivery: the server may already have it; delivering again'
                WHERE state = 'sending'
                """, arguments: [now.timeIntervalSince1970])
            return rows.map(OutboxEntry.init(row:)).map { entry in
                var copy = entry
                copy.state = .uncertain
                copy.interruptions += 1
                return copy
            }
        }
    }

    /// The oldest undelivered row of each target (pending or uncertain, due or not). Delivery is in order
    /// per target: nothing behind a head is sent before it. Failed rows no longer block their target.
    public func outboxHeads() throws -> [OutboxEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM outbox WHERE id IN (
                    SELECT MIN(id) FROM outbox WHERE state IN ('pending', 'uncertain', 'sending') GROUP BY target)
                ORDER BY id
                """).map(OutboxEntry.init(row:))
        }
    }

    /// The head of one target, when it is due at `now`. A `sending` head holds its target back until it
    /// is recovered: whether the server has it is unknown, and nothing behind it may overtake it.
    public func claimDue(target: String, now: Date) throws -> OutboxEntry? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM outbox WHERE target = ? AND state IN ('pending', 'uncertain', 'sending') ORDER BY id LIMIT 1
                """, arguments: [target]).map(OutboxEntry.init(row:))
        }.flatMap { $0.state != .sending && $0.nextAttemptAt <= now ? $0 : nil }
    }

    /// Written just before the network call: the row is now in the window a crash makes uncertain.
    public func markSending(_ id: Int64, now: Date) throws {
        try update(id, "state = 'sending', updated_at = ?", [now.timeIntervalSince1970])
    }

    /// Records that the server accepted `parts` parts of a multi-part message.
    public func markPartsDone(_ id: Int64, parts: Int, now: Date) throws {
        try update(id, "parts_done = ?, updated_at = ?", [parts, now.timeIntervalSince1970])
    }

    public func markDelivered(_ id: Int64, now: Date) throws {
        let time = now.timeIntervalSince1970
        try update(id, "state = 'delivered', delivered_at = ?, updated_at = ?", [time, time])
    }

    /// Puts the row back in line for `at`. `countAttempt` is false for rate-limit answers, which say
    /// nothing about whether the message can be delivered.
    public func scheduleRetry(_ id: Int64, at: Date, error: String, countAttempt: Bool, uncertain: Bool, now: Date) throws {
        let state = uncertain ? "uncertain" : "pending"
        try update(id, "state = ?, attempts = attempts + ?, interruptions = interruptions + ?, next_attempt_at = ?, last_error = ?, updated_at = ?",
                   [state, countAttempt ? 1 : 0, uncertain ? 1 : 0, at.timeIntervalSince1970, error, now.timeIntervalSince1970])
    }

    /// Gives up on a row: it stays visible in `gw notify outbox` until `gw notify retry ID`.
    public func markFailed(_ id: Int64, error: String, now: Date) throws {
        try update(id, "state = 'failed', attempts = attempts + 1, last_error = ?, updated_at = ?", [error, now.timeIntervalSince1970])
    }

    /// Makes a failed (or waiting) row due now with a fresh attempt count.
    public func retryNotification(_ id: Int64, now: Date) throws -> OutboxEntry {
        guard let entry = try outboxEntry(id) else {
            throw GatewayError("no notification with id \(id): list them with `gw notify outbox`", exit: .usage)
        }
        guard entry.state != .delivered else {
            throw GatewayError("notification \(id) was delivered at \(entry.deliveredAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?"): to send it again, use `gw notify send`")
        }
        let time = now.timeIntervalSince1970
        // A held row is a possible duplicate: it goes out as one (`uncertain`), so it is reported as such.
        let state = entry.state == .failed ? "pending" : entry.state == .held ? "uncertain" : entry.state.rawValue
        try update(id, "state = ?, attempts = 0, next_attempt_at = ?, updated_at = ?", [state, time, time])
        return try outboxEntry(id) ?? entry
    }

    public func outboxEntry(_ id: Int64) throws -> OutboxEntry? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(OutboxEntry.init(row:))
        }
    }

    /// The most recent `limit` rows, newest last. No default: a caller that means "all" must say so,
    /// because a silent cut hides exactly the old rows a check or a count is about.
    public func outboxEntries(limit: Int) throws -> [OutboxEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM outbox ORDER BY id DESC LIMIT ?) ORDER BY id", arguments: [limit])
                .map(OutboxEntry.init(row:))
        }
    }

    /// The most recent `limit` rows whose target starts with `prefix`, newest last.
    public func outboxEntries(targetPrefix prefix: String, limit: Int) throws -> [OutboxEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM outbox WHERE substr(target, 1, ?) = ? ORDER BY id DESC LIMIT ?) ORDER BY id
                """, arguments: [prefix.count, prefix, limit]).map(OutboxEntry.init(row:))
        }
    }

    /// How many rows are in each state, over the whole outbox.
    public func outboxStateCounts() throws -> [String: Int] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS count FROM outbox GROUP BY state")
                .reduce(into: [:]) { counts, row in counts[row["state"] as String] = row["count"] as Int }
        }
    }

    private func update(_ id: Int64, _ assignments: String, _ arguments: [any DatabaseValueConvertible & Sendable]) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE outbox SET \(assignments) WHERE id = ?", arguments: StatementArguments(arguments + [id]))
        }
    }
}
