import GRDB
import GatewayCore

/// The ledger table behind polecats, added by the `v4-polecats` migration: one row per sling.
package enum PolecatSchema {
    package static let polecats = LedgerMigration("v4-polecats", migrate)

    static func migrate(_ db: Database) throws {
        try db.create(table: "polecats") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("name", .text)
            table.column("rig", .text).notNull()
            table.column("title", .text).notNull()
            table.column("task", .text).notNull()
            table.column("profile", .text).notNull()
            table.column("branch", .text)
            table.column("worktree", .text)
            table.column("agent", .text)
            /// queued | working | done | failed
            table.column("state", .text).notNull()
            table.column("convoy_id", .integer).notNull()
            table.column("turn_id", .integer)
            table.column("created_at", .double).notNull()
            table.column("started_at", .double)
            table.column("ended_at", .double)
            table.column("error", .text)
            table.column("result_commit", .text)
            table.column("commits", .text)
        }
        try db.create(index: "polecats_by_state", on: "polecats", columns: ["state", "id"])
        try db.create(index: "polecats_by_name", on: "polecats", columns: ["name", "id"])
    }
}
