import Foundation
import GRDB
import GatewayCore

/// A transcript being read for usage, and how far.
public struct UsageRead: Sendable, Equatable {
    public var agent: String
    public var transcript: String
    public var readTo: Int
    /// The prompt the last line read belongs to: the messages after it are its turn's.
    public var promptId: String?
}

/// One assistant message's tokens with the turn it belongs to, when a turn of Gateway's sent its prompt.
public struct UsageRow: Sendable, Equatable {
    public var agent: String
    public var model: String
    public var tokens: TokenCounts
    public var at: Date
    public var turnId: Int64?
    /// The turn's source (`heartbeat:12`, `chat`, `sling:3`, `manual`, `memory-flush`); nil for a prompt
    /// someone typed into the agent's pane.
    public var turnSource: String?
}

extension Ledger {
    /// Transcripts named by hook events recorded since the last look, made known to the usage reader.
    public func registerNewTranscripts() throws {
        try database.write { db in
            let mark = try Int64.fetchOne(db, sql: "SELECT last_event FROM usage_scan WHERE id = 1") ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, agent,
                       CASE WHEN json_valid(payload) AND json_type(payload, '$.transcript_path') = 'text'
                            THEN json_extract(payload, '$.transcript_path') END AS path
                FROM agent_events WHERE id > ? ORDER BY id
                """, arguments: [mark])
            guard let last = rows.last?["id"] as Int64? else { return }
            for row in rows {
                // Whatever the payload held, only a string is a path (a number there must not stop the read).
                guard let path = String.fromDatabaseValue(row["path"] as DatabaseValue), !path.isEmpty, path.utf8.count <= 4096, !path.contains("\0") else { continue }
                try db.execute(sql: "INSERT OR IGNORE INTO usage_reads(agent, transcript, read_to) VALUES (?, ?, 0)",
                               arguments: [row["agent"] as String, path])
            }
            try db.execute(sql: "INSERT INTO usage_scan(id, last_event) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last_event = MAX(last_event, excluded.last_event)",
                           arguments: [last])
        }
    }

    public func usageReads() throws -> [UsageRead] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT agent, transcript, read_to, prompt_id FROM usage_reads ORDER BY agent, transcript").map {
                UsageRead(agent: $0["agent"], transcript: $0["transcript"], readTo: $0["read_to"], promptId: $0["prompt_id"])
            }
        }
    }

    /// Stores what one read of a transcript found, in one transaction: each message once (a message
    /// read again, or split over lines, keeps the largest figure of each count), and the read's end.
    /// Two readers of the same lines store the same figures; the further read decides where the next starts.
    public func recordUsage(_ read: UsageRead, messages: [(usage: MessageUsage, promptId: String?)], now: Date) throws {
        try database.write { db in
            for (usage, promptId) in messages {
                try db.execute(sql: """
                    INSERT INTO usage_messages(agent, message_id, prompt_id, model, input_tokens, cache_write_tokens, cache_read_tokens, output_tokens, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(agent, message_id) DO UPDATE SET
                        input_tokens = MAX(input_tokens, excluded.input_tokens),
                        cache_write_tokens = MAX(cache_write_tokens, excluded.cache_write_tokens),
                        cache_read_tokens = MAX(cache_read_tokens, excluded.cache_read_tokens),
                        output_tokens = MAX(output_tokens, excluded.output_tokens),
                        prompt_id = COALESCE(prompt_id, excluded.prompt_id)
                    """, arguments: [read.agent, usage.id, promptId, usage.model, usage.input, usage.cacheWrite, usage.cacheRead,
                                     usage.output, (usage.at ?? now).timeIntervalSince1970])
            }
            // SET reads the row as it was: the prompt moves only with a read that went further.
            try db.execute(sql: """
                UPDATE usage_reads SET prompt_id = CASE WHEN ? >= read_to THEN ? ELSE prompt_id END, read_to = MAX(read_to, ?)
                WHERE agent = ? AND transcript = ?
                """, arguments: [read.readTo, read.promptId, read.readTo, read.agent, read.transcript])
        }
    }

    /// Each of `turns`' tokens (the turns with none recorded are left out).
    public func usage(ofTurns turns: [Int64]) throws -> [Int64: TokenCounts] {
        guard !turns.isEmpty else { return [:] }
        return try database.read { db in
            let marks = turns.map { _ in "?" }.joined(separator: ", ")
            var found: [Int64: TokenCounts] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT t.id, SUM(u.input_tokens) AS i, SUM(u.cache_write_tokens) AS w, SUM(u.cache_read_tokens) AS r, SUM(u.output_tokens) AS o
                FROM turns t JOIN usage_messages u ON u.agent = t.agent AND u.prompt_id = t.prompt_id
                WHERE t.id IN (\(marks)) GROUP BY t.id
                """, arguments: StatementArguments(turns)) {
                found[row["id"]] = TokenCounts(input: row["i"], cacheWrite: row["w"], cacheRead: row["r"], output: row["o"])
            }
            return found
        }
    }

    /// Every message since `since` with its turn (matched by the prompt id the turn's hook recorded).
    public func usageRows(since: Date) throws -> [UsageRow] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT u.agent, u.model, u.input_tokens, u.cache_write_tokens, u.cache_read_tokens, u.output_tokens, u.at,
                       t.id AS turn_id, t.source AS source
                FROM usage_messages u LEFT JOIN turns t ON t.agent = u.agent AND t.prompt_id = u.prompt_id AND u.prompt_id IS NOT NULL
                WHERE u.at >= ? ORDER BY u.at
                """, arguments: [since.timeIntervalSince1970]).map { row in
                UsageRow(agent: row["agent"], model: row["model"],
                         tokens: TokenCounts(input: row["input_tokens"], cacheWrite: row["cache_write_tokens"],
                                             cacheRead: row["cache_read_tokens"], output: row["output_tokens"]),
                         at: Date(timeIntervalSince1970: row["at"]), turnId: row["turn_id"], turnSource: row["source"])
            }
        }
    }
}
