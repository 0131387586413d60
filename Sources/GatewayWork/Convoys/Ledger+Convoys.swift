import Foundation
import GRDB
import GatewayCore

/// Convoy verbs. Every time comes from the caller (the environment's clock), never from `Date()`,
/// so the same calls always leave the same rows.
extension Ledger {
    /// Starts tracking a bundle of work; its items are numbered from 1 in the order given, all pending.
    public func createConvoy(kind: String, title: String, items: [ConvoyItemPlan], at now: Date) throws -> Int64 {
        try database.write { db in try Self.insertConvoy(db, kind: kind, title: title, items: items, at: now) }
    }

    /// `createConvoy` inside a caller's transaction.
    package static func insertConvoy(_ db: Database, kind: String, title: String, items: [ConvoyItemPlan], at now: Date) throws -> Int64 {
        guard !items.isEmpty else { throw GatewayError("a convoy needs at least one item (\(kind): \(title))") }
        try db.execute(sql: "INSERT INTO convoys(kind, title, created_at) VALUES (?, ?, ?)", arguments: [kind, title, now])
        let id = db.lastInsertedRowID
        for (offset, item) in items.enumerated() {
            try db.execute(
                sql: "INSERT INTO convoy_items(convoy_id, position, title, state, agent) VALUES (?, ?, ?, 'pending', ?)",
                arguments: [id, offset + 1, item.title, item.agent])
        }
        return id
    }

    /// Moves an item forward: pending → running, or pending/running → done, failed or skipped.
    /// Running records the start time; the ending states record the end time, the result pointer, a
    /// summary and an error. Returns true when this closed the convoy (its last item ended).
    @discardableResult
    public func markItem(
        convoy: Int64, item: Int, state: ConvoyItemState, at now: Date, agent: String? = nil,
        result: ConvoyResult? = nil, summary: String? = nil, error: String? = nil
    ) throws -> Bool {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT state FROM convoy_items WHERE convoy_id = ? AND position = ?", arguments: [convoy, item]) else {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM convoys WHERE id = ?", arguments: [convoy]) ?? false
                throw GatewayError(exists ? "convoy \(convoy) has no item \(item): see `gw convoy show \(convoy)`"
                                          : "no convoy \(convoy): see `gw convoy list`")
            }
            let current = ConvoyItemState(rawValue: row["state"]) ?? .pending
            guard current == .pending && state != .pending || current == .running && state.hasEnded else {
                throw GatewayError("item \(item) of convoy \(convoy) is \(current.rawValue) and cannot become \(state.rawValue): items only move forward (pending → running → done, failed or skipped)")
            }
            if state == .running {
                try db.execute(
                    sql: "UPDATE convoy_items SET state = 'running', started_at = ?, agent = COALESCE(?, agent) WHERE convoy_id = ? AND position = ?",
                    arguments: [now, agent, convoy, item])
                return false
            }
            try db.execute(
                sql: """
                    UPDATE convoy_items SET state = ?, ended_at = ?, agent = COALESCE(?, agent),
                        result_branch = ?, result_commit = ?, summary = ?, error = ?
                    WHERE convoy_id = ? AND position = ?
                    """,
                arguments: [state.rawValue, now, agent, result?.branch, result?.commit,
                            summary.map(Self.short), error.map(Self.short), convoy, item])
            return try Self.closeIfFinished(db, convoy: convoy, at: now)
        }
    }

    /// Closes the convoy when every item has ended; returns true when it closed now.
    @discardableResult
    public func closeIfFinished(convoy: Int64, at now: Date) throws -> Bool {
        try database.write { db in try Self.closeIfFinished(db, convoy: convoy, at: now) }
    }

    /// Recent convoys, newest first.
    public func convoys(limit: Int = 50) throws -> [ConvoySummary] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM convoys ORDER BY id DESC LIMIT ?", arguments: [limit])
            return try rows.map { try Self.summary($0, db) }
        }
    }

    /// How many convoys have not closed, however old.
    public func openConvoyCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM convoys WHERE closed_at IS NULL") ?? 0 }
    }

    /// One convoy with its items, or nil when there is none with this id.
    public func convoy(_ id: Int64) throws -> Convoy? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM convoys WHERE id = ?", arguments: [id]) else { return nil }
            let summary = try Self.summary(row, db)
            let items = try Row.fetchAll(db, sql: "SELECT * FROM convoy_items WHERE convoy_id = ? ORDER BY position", arguments: [id])
                .map(Self.item)
            return Convoy(id: summary.id, kind: summary.kind, title: summary.title, state: summary.state,
                          createdAt: summary.createdAt, closedAt: summary.closedAt, counts: summary.counts, items: items)
        }
    }

    private static func closeIfFinished(_ db: Database, convoy: Int64, at now: Date) throws -> Bool {
        try db.execute(sql: """
            UPDATE convoys SET closed_at = ?
            WHERE id = ? AND closed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM convoy_items WHERE convoy_id = ? AND state IN ('pending', 'running'))
            """, arguments: [now, convoy, convoy])
        return db.changesCount > 0
    }

    private static func summary(_ row: Row, _ db: Database) throws -> ConvoySummary {
        let id: Int64 = row["id"]
        var counts = ConvoyCounts()
        for count in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM convoy_items WHERE convoy_id = ? GROUP BY state", arguments: [id]) {
            if let state = ConvoyItemState(rawValue: count["state"]) { counts.add(state, count["n"]) }
        }
        let closedAt: Date? = row["closed_at"]
        return ConvoySummary(id: id, kind: row["kind"], title: row["title"], state: closedAt == nil ? .open : .closed,
                             createdAt: row["created_at"], closedAt: closedAt, counts: counts)
    }

    private static func item(_ row: Row) -> ConvoyItem {
        let branch: String? = row["result_branch"]
        let commit: String? = row["result_commit"]
        return ConvoyItem(
            index: row["position"], title: row["title"], state: ConvoyItemState(rawValue: row["state"]) ?? .pending,
            agent: row["agent"], startedAt: row["started_at"], endedAt: row["ended_at"],
            result: branch.flatMap { branch in commit.map { ConvoyResult(branch: branch, commit: $0) } },
            summary: row["summary"], error: row["error"])
    }

    /// Summaries and errors are kept short: the full output lives in the result commit.
    static func short(_ text: String) -> String {
        let limit = 2000
        return text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
