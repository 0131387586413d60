import GRDB
import GatewayCore

/// The ledger tables behind convoys, added by the `v2-convoys` migration.
package enum ConvoySchema {
    package static let convoys = LedgerMigration("v2-convoys", migrate)

    static func migrate(_ db: Database) throws {
        try db.create(table: "convoys") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("kind", .text).notNull()
            table.column("title", .text).notNull()
            table.column("created_at", .datetime).notNull()
            // Set once every item has ended.
            table.column("closed_at", .datetime)
            // Never written: closed convoys are reported by their polecats' turns. Applied migrations never change.
            table.column("announced_at", .datetime)
        }
        try db.create(table: "convoy_items") { table in
            table.column("convoy_id", .integer).notNull().references("convoys", onDelete: .cascade)
            table.column("position", .integer).notNull()
            table.column("title", .text).notNull()
            table.column("state", .text).notNull()
                .check(sql: "state IN ('pending', 'running', 'done', 'failed', 'skipped')")
            table.column("agent", .text)
            table.column("started_at", .datetime)
            table.column("ended_at", .datetime)
            table.column("result_branch", .text)
            table.column("result_commit", .text)
            table.column("summary", .text)
            table.column("error", .text)
            table.primaryKey(["convoy_id", "position"])
        }
        try db.create(index: "convoys_by_closed", on: "convoys", columns: ["closed_at"])
    }
}
