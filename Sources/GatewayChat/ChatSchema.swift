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
