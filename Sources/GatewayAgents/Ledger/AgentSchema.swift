import GRDB
import GatewayCore

/// Tables of the agents feature: one row per agent, every hook event, and the turns sent to agents.
package enum AgentSchema {
    package static let agents = LedgerMigration("v2-agents") { db in
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
            /// queued | sent | submitted | replied | done | failed | timed_out
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

    /// What was typed instead of a turn's text (a pointer to its inbox file). Registered after every
    /// older migration, so ledgers made before it gain the column in order.
    /// The text as typed, when it differs from the prompt (a label line, or a pointer to the inbox file).
    package static let wireText = LedgerMigration("v6-turn-wire-text") { db in
        try db.alter(table: "turns") { table in table.add(column: "wire_text", .text) }
    }

    /// An agent paused by a usage or rate limit: until when, why, and how many limits came in a row
    /// (the backoff when a limit names no reset time doubles with each).
    package static let limitPause = LedgerMigration("v13-agent-limit-pause") { db in
        try db.alter(table: "agents") { table in
            table.add(column: "paused_until", .double)
            table.add(column: "pause_reason", .text)
            table.add(column: "limit_strikes", .integer).notNull().defaults(to: 0)
        }
    }
}
