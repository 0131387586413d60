import Foundation
import GRDB
import GatewayCore
import GatewayAgents

/// Polecat verbs. Times come from the caller's clock.
extension Ledger {
    /// Records a sling waiting for a slot; returns its id.
    public func queueSling(rig: String, title: String, task: String, profile: String, convoy: Int64, at now: Date) throws -> Int64 {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO polecats(rig, title, task, profile, state, convoy_id, created_at)
                VALUES (?, ?, ?, ?, 'queued', ?, ?)
                """, arguments: [rig, title, task, profile, convoy, now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    /// Gives a queued sling its polecat: name, agent, branch and worktree; it is working from now.
    public func assignPolecat(_ id: Int64, name: String, agent: String, branch: String, worktree: String, at now: Date) throws {
        try database.write { db in
            try db.execute(sql: """
                UPDATE polecats SET name = ?, agent = ?, branch = ?, worktree = ?, state = 'working', started_at = ?
                WHERE id = ? AND state = 'queued'
                """, arguments: [name, agent, branch, worktree, now.timeIntervalSince1970, id])
        }
    }

    public func setPolecatTurn(_ id: Int64, turn: Int64) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE polecats SET turn_id = ? WHERE id = ?", arguments: [turn, id])
        }
    }

    /// Ends a queued or working polecat; returns false when it had already ended (someone else did it).
    @discardableResult
    public func endPolecat(_ id: Int64, state: Polecat.State, error: String?, resultCommit: String?, commits: String?, at now: Date) throws -> Bool {
        precondition(state.hasEnded)
        return try database.write { db in
            try db.execute(sql: """
                UPDATE polecats SET state = ?, error = ?, result_commit = ?, commits = ?, ended_at = ?
                WHERE id = ? AND state IN ('queued', 'working')
                """, arguments: [state.rawValue, error, resultCommit, commits, now.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    public func polecat(id: Int64) throws -> Polecat? {
        try database.read { db in try Polecat.fetchOne(db, sql: "SELECT * FROM polecats WHERE id = ?", arguments: [id]) }
    }

    /// The latest polecat of this name (names are reused), or the sling with this number.
    public func polecat(named name: String) throws -> Polecat? {
        try database.read { db in
            if let found = try Polecat.fetchOne(db, sql: "SELECT * FROM polecats WHERE name = ? ORDER BY id DESC LIMIT 1", arguments: [name]) {
                return found
            }
            guard let id = Int64(name.hasPrefix("#") ? String(name.dropFirst()) : name) else { return nil }
            return try Polecat.fetchOne(db, sql: "SELECT * FROM polecats WHERE id = ?", arguments: [id])
        }
    }

    /// The polecat an agent name belongs to while it works.
    public func workingPolecat(agent: String) throws -> Polecat? {
        try database.read { db in
            try Polecat.fetchOne(db, sql: "SELECT * FROM polecats WHERE agent = ? AND state = 'working' ORDER BY id DESC LIMIT 1", arguments: [agent])
        }
    }

    /// Polecats in these states (all when empty), oldest first.
    public func polecats(in states: [Polecat.State] = []) throws -> [Polecat] {
        try database.read { db in
            guard !states.isEmpty else { return try Polecat.fetchAll(db, sql: "SELECT * FROM polecats ORDER BY id") }
            let placeholders = states.map { _ in "?" }.joined(separator: ", ")
            return try Polecat.fetchAll(db, sql: "SELECT * FROM polecats WHERE state IN (\(placeholders)) ORDER BY id",
                                        arguments: StatementArguments(states.map(\.rawValue)))
        }
    }

    /// Names held by a working polecat.
    public func workingPolecatNames() throws -> Set<String> {
        try database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM polecats WHERE state = 'working' AND name IS NOT NULL"))
        }
    }
}
