import GRDB
import GatewayCore

/// Tables of the usage feature: the token counts of every assistant message read from the agents'
/// transcripts, how far each transcript has been read, and the owner's overrides of the budget.
package enum UsageSchema {
    package static let usage = LedgerMigration("v12-usage") { db in
        try db.execute(sql: """
            CREATE TABLE usage_messages (
                agent TEXT NOT NULL,
                message_id TEXT NOT NULL,
                prompt_id TEXT,
                model TEXT NOT NULL,
                input_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                cache_read_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                at REAL NOT NULL,
                PRIMARY KEY (agent, message_id)
            );
            CREATE INDEX usage_messages_by_time ON usage_messages(at);
            CREATE INDEX usage_messages_by_prompt ON usage_messages(agent, prompt_id);
            CREATE INDEX turns_by_prompt ON turns(agent, prompt_id);
            CREATE TABLE usage_reads (
                agent TEXT NOT NULL,
                transcript TEXT NOT NULL,
                read_to INTEGER NOT NULL,
                prompt_id TEXT,
                PRIMARY KEY (agent, transcript)
            );
            CREATE TABLE usage_scan (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_event INTEGER NOT NULL
            );
            CREATE TABLE budget_resumes (
                scope TEXT PRIMARY KEY,
                until REAL NOT NULL
            );
            """)
    }
}
