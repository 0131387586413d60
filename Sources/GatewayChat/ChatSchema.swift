import Foundation
import GRDB
import GatewayCore

/// The chat's tables. Who may talk to the Mayor beyond gateway.toml's `allow` lives here, so Gateway
/// never rewrites the user's config: `chat_senders` (paired, or allowed with `gw chat allow`) and
/// `chat_pairing_codes` (the one-time codes handed to unknown senders).
package enum ChatSchema {
    package static let access = LedgerMigration("v7-chat-access") { db in
        try db.execute(sql: """
            CREATE TABLE chat_senders (
                user_id INTEGER PRIMARY KEY,
                how TEXT NOT NULL,
                name TEXT,
                added_at DOUBLE NOT NULL
            );
            CREATE TABLE chat_pairing_codes (
                code TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL,
                chat_id INTEGER NOT NULL,
                name TEXT,
                created_at DOUBLE NOT NULL,
                expires_at DOUBLE NOT NULL,
                replied_at DOUBLE NOT NULL,
                used_at DOUBLE
            );
            CREATE INDEX chat_pairing_codes_by_user ON chat_pairing_codes(user_id, expires_at);
            """)
    }
}

extension ChatSchema {
    /// What the poller received (`chat_updates`, one row per update id, written before the offset moves
    /// past it) and where it stands (`chat_poll`, one row per bot).
    package static let inbound = LedgerMigration("v8-chat-inbound") { db in
        try db.execute(sql: """
            CREATE TABLE chat_updates (
                bot_id INTEGER NOT NULL,
                update_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                user_id INTEGER,
                chat_id INTEGER,
                message_id INTEGER,
                text TEXT,
                callback_id TEXT,
                attachment TEXT,
                received_at DOUBLE NOT NULL,
                turn_id INTEGER,
                note TEXT,
                PRIMARY KEY (bot_id, update_id)
            );
            CREATE INDEX chat_updates_by_state ON chat_updates(state, bot_id, update_id);
            CREATE TABLE chat_poll (
                bot_id INTEGER PRIMARY KEY,
                next_offset INTEGER NOT NULL,
                last_ok_at DOUBLE,
                last_error TEXT,
                last_error_at DOUBLE
            );
            """)
    }
}

extension ChatSchema {
    /// Which Mayor turns carry chat messages (`chat_turns`): the chat to answer, the message the answer
    /// replies to (the last one the turn carries), and when the answer went to the outbox.
    package static let turns = LedgerMigration("v10-chat-turns") { db in
        try db.execute(sql: """
            CREATE TABLE chat_turns (
                turn_id INTEGER PRIMARY KEY,
                bot_id INTEGER NOT NULL,
                chat_id INTEGER NOT NULL,
                reply_to INTEGER,
                messages INTEGER NOT NULL,
                answered_at DOUBLE
            );
            CREATE INDEX chat_turns_by_chat ON chat_turns(bot_id, chat_id, turn_id);
            CREATE INDEX chat_turns_unanswered ON chat_turns(answered_at, turn_id);
            """)
    }
}

extension ChatSchema {
    /// Permission requests put to the owner in the chat (`chat_permissions`): what the agent asked,
    /// until when the hook waits, the decision and who made it, the prompts sent (to take their
    /// buttons away) and when the chat was told the outcome.
    package static let permissions = LedgerMigration("v11-chat-permissions") { db in
        try db.execute(sql: """
            CREATE TABLE chat_permissions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                agent TEXT NOT NULL,
                tool TEXT NOT NULL,
                input TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at DOUBLE NOT NULL,
                deadline DOUBLE NOT NULL,
                decided_at DOUBLE,
                decided_by INTEGER,
                prompts TEXT,
                prompted_at DOUBLE,
                settled_at DOUBLE
            );
            CREATE INDEX chat_permissions_by_state ON chat_permissions(state, id);
            """)
    }
}
