import Foundation
import GRDB
import GatewayCore

/// One recorded beat, as `gw heartbeat history` will list it.
public struct BeatRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var time: Date
    /// `ran` or `skipped`.
    public var outcome: String
    /// `SkipReason.code` when skipped.
    public var skipReason: String?
    public var detail: String?
    public var tasks: [String]
    public var missedBeats: Int
}

/// The heartbeat's schedule marks and beat history. Dates are stored as Unix seconds (REAL) so they
/// come back exactly as written.
extension Ledger {
    package static let heartbeatMarksMigration = LedgerMigration("v2-heartbeat-marks", createHeartbeatTables)
    package static let owedTasksMigration = LedgerMigration("v5-heartbeat-owed-tasks", addOwedTasks)

    static func createHeartbeatTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE heartbeat_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_beat REAL,
                last_organized_day TEXT
            );
            CREATE TABLE heartbeat_task_marks (
                task_key TEXT PRIMARY KEY,
                task_name TEXT NOT NULL,
                last_run REAL,
                last_slot_day TEXT
            );
            CREATE TABLE heartbeat_beats (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at REAL NOT NULL UNIQUE,
                outcome TEXT NOT NULL CHECK (outcome IN ('ran', 'skipped')),
                skip_reason TEXT,
                detail TEXT,
                tasks TEXT NOT NULL,
                missed_beats INTEGER NOT NULL,
                organize_day TEXT
            );
            """)
    }

    /// The marks the scheduler decides from; empty on a new town.
    public func loadHeartbeatMarks() throws -> HeartbeatMarks {
        try database.read { db in
            var marks = HeartbeatMarks()
            if let row = try Row.fetchOne(db, sql: "SELECT last_beat, last_organized_day FROM heartbeat_state WHERE id = 1") {
                marks.lastBeat = (row["last_beat"] as Double?).map(Date.init(timeIntervalSince1970:))
                marks.lastOrganizedDay = (row["last_organized_day"] as String?).flatMap(LocalDay.init(parsing:))
            }
            for row in try Row.fetchAll(db, sql: "SELECT task_key, last_run, last_slot_day, owed_since FROM heartbeat_task_marks") {
                marks.tasks[row["task_key"]] = HeartbeatMarks.TaskMark(
                    lastRun: (row["last_run"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    lastSlotDay: (row["last_slot_day"] as String?).flatMap(LocalDay.init(parsing:)),
                    owedSince: (row["owed_since"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
            return marks
        }
    }

    /// Records a beat the scheduler decided on — run or skipped — and moves the marks, in one
    /// transaction. Recording the same beat twice changes nothing and returns the first record's id,
    /// so a retry after a crash cannot double it.
    @discardableResult
    public func recordBeat(_ decision: BeatDecision) throws -> Int64 {
        try database.write { db in try Self.insertBeat(db, decision) }
    }

    /// `recordBeat` inside a caller's transaction.
    static func insertBeat(_ db: Database, _ decision: BeatDecision) throws -> Int64 {
        let at = decision.time.timeIntervalSince1970
        if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM heartbeat_beats WHERE at = ?", arguments: [at]) {
            return existing
        }
        let plan = decision.plan
        let names = plan.dueTasks.map(\.task.name)
        let tasksJSON = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO heartbeat_beats(at, outcome, skip_reason, detail, tasks, missed_beats, organize_day)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [at, decision.callsAgent ? "ran" : "skipped", plan.skipReason?.code,
                             plan.skipReason?.description, tasksJSON, decision.missedBeats, plan.organizeDay?.description])
        let id = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO heartbeat_state(id, last_beat, last_organized_day) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET last_beat = excluded.last_beat,
                last_organized_day = COALESCE(excluded.last_organized_day, heartbeat_state.last_organized_day)
            """, arguments: [at, plan.organizeDay?.description])
        for due in plan.dueTasks {
            try db.execute(sql: """
                INSERT INTO heartbeat_task_marks(task_key, task_name, last_run, last_slot_day) VALUES (?, ?, ?, ?)
                ON CONFLICT(task_key) DO UPDATE SET task_name = excluded.task_name, last_run = excluded.last_run,
                    last_slot_day = COALESCE(excluded.last_slot_day, heartbeat_task_marks.last_slot_day), owed_since = NULL
                """, arguments: [due.task.key, due.task.name, at, due.slotDay?.description])
        }
        return id
    }

    /// The most recent beats, newest first.
    public func heartbeatHistory(limit: Int = 20) throws -> [BeatRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, at, outcome, skip_reason, detail, tasks, missed_beats FROM heartbeat_beats
                ORDER BY at DESC LIMIT ?
                """, arguments: [limit]).map { row in
                let tasks = try JSONDecoder().decode([String].self, from: Data((row["tasks"] as String).utf8))
                return BeatRecord(id: row["id"], time: Date(timeIntervalSince1970: row["at"]), outcome: row["outcome"],
                                  skipReason: row["skip_reason"], detail: row["detail"], tasks: tasks, missedBeats: row["missed_beats"])
            }
        }
    }
}

extension Ledger {
    /// The migration that lets a failed beat's tasks be owed to the next beat.
    static func addOwedTasks(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE heartbeat_task_marks ADD COLUMN owed_since REAL")
    }

    /// Marks the tasks of a beat whose turn failed as owed: the next beat carries them again. A task
    /// that a later beat has carried since is left alone, and owing twice (a beat handled again after
    /// a crash) changes nothing.
    public func oweTasks(ofBeat beatId: Int64, names: [String], at date: Date) throws {
        try database.write { db in
            guard let beatTime = try Double.fetchOne(db, sql: "SELECT at FROM heartbeat_beats WHERE id = ?", arguments: [beatId]) else { return }
            for name in names {
                try db.execute(sql: """
                    UPDATE heartbeat_task_marks SET owed_since = COALESCE(owed_since, ?)
                    WHERE task_key = ? AND last_run <= ?
                    """, arguments: [date.timeIntervalSince1970, HeartbeatTask.key(name), beatTime])
            }
        }
    }
}
