import Foundation
import GRDB
import GatewayCore
import GatewayNotify
import GatewayWork

/// A beat that called the Mayor: its convoy and turn, and whether its reply has been handled. The row is
/// written before the prompt is sent, so a daemon killed at any moment finds the beat on restart and
/// finishes it once — it never sends it again.
public struct HeartbeatRun: Sendable, Equatable, Codable, FetchableRecord {
    public var beatId: Int64
    public var convoyId: Int64
    public var turnId: Int64
    /// The due tasks, in the order the prompt lists them.
    public var tasks: [String]
    /// `sent` until the reply (or failure) is handled, then `handled`.
    public var state: String
    public var summary: String?
    /// The prompt's length in characters, and how much of it is the tasks' own text (their names and
    /// bodies as HEARTBEAT.md writes them): the rest is what Gateway adds around them. Nil for beats
    /// recorded before these were kept.
    public var promptChars: Int?
    public var taskChars: Int?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public init(row: Row) throws {
        beatId = row["beat_id"]
        convoyId = row["convoy_id"]
        turnId = row["turn_id"]
        tasks = (try? JSONDecoder().decode([String].self, from: Data((row["tasks"] as String).utf8))) ?? []
        state = row["state"]
        summary = row["summary"]
        promptChars = row.hasColumn("prompt_chars") ? row["prompt_chars"] : nil
        taskChars = row.hasColumn("task_chars") ? row["task_chars"] : nil
    }
}

package enum HeartbeatRunSchema {
    package static let runs = LedgerMigration("v3-heartbeat-runs") { db in
        try db.execute(sql: """
            CREATE TABLE heartbeat_runs (
                beat_id INTEGER PRIMARY KEY,
                convoy_id INTEGER NOT NULL,
                turn_id INTEGER NOT NULL,
                tasks TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('sent', 'handled')),
                summary TEXT
            );
            CREATE TABLE heartbeat_alerts (
                alert_key TEXT NOT NULL,
                sent_at REAL NOT NULL
            );
            CREATE INDEX heartbeat_alerts_by_key ON heartbeat_alerts(alert_key, sent_at);
            """)
    }

    /// How long each beat's prompt was, and how much of it the tasks' own text: `gw usage` shows what
    /// Gateway's framing costs beside what the tasks ask.
    package static let promptSize = LedgerMigration("v14-heartbeat-prompt-size") { db in
        try db.alter(table: "heartbeat_runs") { table in
            table.add(column: "prompt_chars", .integer)
            table.add(column: "task_chars", .integer)
        }
    }
}

extension Ledger {
    /// Records a beat that calls the Mayor together with its convoy (items running), its queued turn and
    /// its run row, in one transaction: a process killed at any moment leaves all of them or none, so
    /// a beat is never recorded as run — its tasks' marks moved — with its prompt unsent or its reply
    /// unhandled. Returns the beat's id, and false when that beat already had its run (a retry).
    public func recordBeatRun(_ decision: BeatDecision, convoyTitle: String, prompt: String, at now: Date) throws -> (beatId: Int64, created: Bool) {
        let tasks = decision.plan.dueTasks.map(\.task.name)
        let json = String(decoding: try JSONEncoder().encode(tasks), as: UTF8.self)
        return try database.write { db in
            let beatId = try Self.insertBeat(db, decision)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM heartbeat_runs WHERE beat_id = ?", arguments: [beatId]) == true {
                return (beatId, false)
            }
            let convoy = try Self.insertConvoy(db, kind: "heartbeat", title: convoyTitle,
                                               items: tasks.map { ConvoyItemPlan(title: $0, agent: "mayor") }, at: now)
            try db.execute(sql: "UPDATE convoy_items SET state = 'running', started_at = ? WHERE convoy_id = ?", arguments: [now, convoy])
            let turn = try Self.insertTurn(db, agent: "mayor", text: prompt, source: "heartbeat:\(beatId)", at: now)
            let taskChars = decision.plan.dueTasks.reduce(0) { $0 + $1.task.name.count + $1.task.body.count }
            try db.execute(sql: "INSERT INTO heartbeat_runs(beat_id, convoy_id, turn_id, tasks, state, prompt_chars, task_chars) VALUES (?, ?, ?, ?, 'sent', ?, ?)",
                           arguments: [beatId, convoy, turn, json, prompt.count, taskChars])
            return (beatId, true)
        }
    }

    /// The runs of beats since `since`, newest first.
    public func heartbeatRuns(since: Date, limit: Int) throws -> [(run: HeartbeatRun, at: Date)] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.*, b.at AS beat_at FROM heartbeat_runs r JOIN heartbeat_beats b ON b.id = r.beat_id
                WHERE b.at >= ? ORDER BY r.beat_id DESC LIMIT ?
                """, arguments: [since.timeIntervalSince1970, limit]).map { (try HeartbeatRun(row: $0), Date(timeIntervalSince1970: $0["beat_at"])) }
        }
    }

    public func heartbeatRun(beatId: Int64) throws -> HeartbeatRun? {
        try database.read { db in try HeartbeatRun.fetchOne(db, sql: "SELECT * FROM heartbeat_runs WHERE beat_id = ?", arguments: [beatId]) }
    }

    /// Beats whose reply has not been handled yet, oldest first.
    public func unhandledHeartbeatRuns() throws -> [HeartbeatRun] {
        try database.read { db in try HeartbeatRun.fetchAll(db, sql: "SELECT * FROM heartbeat_runs WHERE state = 'sent' ORDER BY beat_id") }
    }

    public func markHeartbeatRunHandled(beatId: Int64, summary: String) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE heartbeat_runs SET state = 'handled', summary = ? WHERE beat_id = ?", arguments: [summary, beatId])
        }
    }

    /// Claims alert `key` and enqueues its notifications in one transaction, so a crash can neither
    /// leave the alert claimed but never queued (lost) nor queued twice. Handling the same beat again
    /// finds its own rows (the requests' keys) and changes nothing. False when an identical alert was
    /// claimed since `since` by another beat: nothing is queued.
    public func enqueueAlert(_ key: String, requests: [NotificationRequest], at now: Date, since: Date) throws -> Bool {
        try database.write { db in
            let keys = requests.map(\.key)
            if !keys.isEmpty {
                let marks = keys.map { _ in "?" }.joined(separator: ", ")
                let queued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE key IN (\(marks))", arguments: StatementArguments(keys)) ?? 0
                if queued > 0 {
                    for request in requests { _ = try Self.insertNotification(db, request, now: now) }
                    return true
                }
            }
            let seen = try Bool.fetchOne(db, sql: "SELECT 1 FROM heartbeat_alerts WHERE alert_key = ? AND sent_at >= ? LIMIT 1",
                                         arguments: [key, since.timeIntervalSince1970]) ?? false
            if seen { return false }
            try db.execute(sql: "INSERT INTO heartbeat_alerts(alert_key, sent_at) VALUES (?, ?)", arguments: [key, now.timeIntervalSince1970])
            for request in requests { _ = try Self.insertNotification(db, request, now: now) }
            return true
        }
    }
}
