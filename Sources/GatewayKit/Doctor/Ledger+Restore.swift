import Foundation
import GRDB
import GatewayNotify
import GatewayCore
import GatewayHeartbeat

/// What a ledger restored from a backup must do before anything uses it, so the restore never repeats
/// anything blindly: what was in flight at the backup may have finished after it.
extension Ledger {
    /// Holds every notification that was not final at the backup (pending, sending, uncertain): it may
    /// have been delivered after the backup. Held rows are possible duplicates that no worker sends
    /// until `gw notify retry ID`.
    public func holdUnfinishedNotifications(backupTakenAt: String, now: Date) throws -> [OutboxEntry] {
        try database.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE state IN ('pending', 'sending', 'uncertain') ORDER BY id")
            for id in ids {
                try db.execute(sql: """
                    UPDATE outbox SET state = 'held', interruptions = interruptions + 1, updated_at = ?, last_error = ?
                    WHERE id = ?
                    """, arguments: [now.timeIntervalSince1970,
                                     "the ledger was restored from the backup of \(backupTakenAt), when this was not yet delivered: it may have been sent since; held until `gw notify retry \(id)`",
                                     id])
            }
            return try ids.compactMap { try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [$0]).map(OutboxEntry.init(row:)) }
        }
    }

    /// Fails every turn that had not ended at the backup: whether the agent got or answered it since is
    /// unknown, and resending it could run it twice. Returns how many.
    public func failUnendedTurns(backupTakenAt: String, now: Date) throws -> Int {
        try database.write { db in
            try db.execute(sql: """
                UPDATE turns SET state = 'failed', ended_at = ?, error = ?
                WHERE state IN ('queued', 'sent', 'submitted')
                """, arguments: [now.timeIntervalSince1970,
                                 "the ledger was restored from the backup of \(backupTakenAt), when this turn had not ended: what became of it since is unknown, so it is not sent again"])
            return db.changesCount
        }
    }

    /// Moves heartbeat marks forward to beats the hooks' history shows ran after the backup; never back.
    /// `ran` is each task's name with when its finding was committed. Returns the tasks whose mark moved.
    public func raiseHeartbeatMarks(ran: [(task: String, at: Date)], zone: TimeZone) throws -> [String] {
        try database.write { db in
            var moved: [String] = []
            guard let latest = ran.map(\.at).max() else { return moved }
            try db.execute(sql: """
                INSERT INTO heartbeat_state(id, last_beat) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET last_beat = MAX(COALESCE(last_beat, 0), excluded.last_beat)
                """, arguments: [latest.timeIntervalSince1970])
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            for (task, at) in ran {
                let key = HeartbeatTask.key(task)
                let components = calendar.dateComponents([.year, .month, .day], from: at)
                let day = LocalDay(year: components.year ?? 1970, month: components.month ?? 1, day: components.day ?? 1)
                let row = try Row.fetchOne(db, sql: "SELECT last_run, last_slot_day FROM heartbeat_task_marks WHERE task_key = ?", arguments: [key])
                let lastRun = row.flatMap { $0["last_run"] as Double? } ?? 0
                guard at.timeIntervalSince1970 > lastRun else { continue }
                // A calendar task's slot day moves with its run; an interval task has none to move.
                let slot = row.flatMap { $0["last_slot_day"] as String? }.map { max($0, day.description) }
                try db.execute(sql: """
                    INSERT INTO heartbeat_task_marks(task_key, task_name, last_run, last_slot_day) VALUES (?, ?, ?, ?)
                    ON CONFLICT(task_key) DO UPDATE SET last_run = excluded.last_run, last_slot_day = COALESCE(excluded.last_slot_day, last_slot_day)
                    """, arguments: [key, task, at.timeIntervalSince1970, slot])
                if !moved.contains(task) { moved.append(task) }
            }
            return moved
        }
    }
}
