import GRDB

/// Tables of the agents feature: one row per agent, every hook event, and the turns sent to agents.
enum AgentSchema {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-agents") { db in
            try db.create(table: "agents") { table in
                table.primaryKey("name", .text)
                table.column("profile", .text).notNull()
                table.column("session_id", .text)
                /// starting | running | dead | stopped | crash_loop
                table.column("state", .text).notNull()
                table.column("started_at", .double)
                table.column("restarts", .integer).notNull().defaults(to: 0)
                table.column("note", .text)
                /// JSON of the last PermissionRequest while one is pending.
                table.column("permission", .text)
                /// Why delivery is waiting (busy, someone typing), or NULL.
                table.column("deferred", .text)
            }
            try db.create(table: "agent_events") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("agent", .text).notNull()
                table.column("event", .text).notNull()
                table.column("session_id", .text)
                table.column("prompt_id", .text)
                table.column("payload", .text).notNull()
                table.column("received_at", .double).notNull()
            }
            try db.create(index: "agent_events_by_agent", on: "agent_events", columns: ["agent", "id"])
            try db.create(table: "agent_restarts") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("agent", .text).notNull()
                table.column("at", .double).notNull()
                table.column("reason", .text).notNull()
            }
            try db.create(table: "turns") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("agent", .text).notNull()
                table.column("text", .text).notNull()
                /// queued | sent | submitted | done | failed | timed_out
                table.column("state", .text).notNull()
                table.column("source", .text).notNull()
                table.column("created_at", .double).notNull()
                table.column("sent_at", .double)
                table.column("submitted_at", .double)
                table.column("ended_at", .double)
                table.column("prompt_id", .text)
                table.column("session_id", .text)
                table.column("reply", .text)
                table.column("error", .text)
                table.column("enter_presses", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "turns_by_agent_state", on: "turns", columns: ["agent", "state", "id"])
        }
    }

    /// What was typed instead of a turn's text (a pointer to its inbox file). Registered after every
    /// older migration, so ledgers made before it gain the column in order.
    static func addWireText(_ db: Database) throws {
        try db.alter(table: "turns") { table in table.add(column: "wire_text", .text) }
    }
}
