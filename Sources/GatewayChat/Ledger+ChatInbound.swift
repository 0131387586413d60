import Foundation
import GRDB
import GatewayCore

/// Where a received update stands.
public enum InboundState: String, Sendable, Codable {
    /// From someone allowed, waiting to reach the Mayor (or, for a button press, to be acted on).
    case received
    /// From someone not allowed: only its ids are kept.
    case stranger
    /// Not for the Mayor (a group message not meant for the bot, an update kind the chat does not use).
    case ignored
    /// Handed on: part of a Mayor turn (`turn_id`), or a button press acted on.
    case handled
}

/// One update as the poller classified it.
public struct InboundUpdate: Sendable, Equatable {
    public var update: TelegramUpdate
    public var state: InboundState
    /// Why it was ignored or refused, for `gw chat log` (never the stranger's words).
    public var note: String?

    public init(update: TelegramUpdate, state: InboundState, note: String? = nil) {
        self.update = update
        self.state = state
        self.note = note
    }
}

/// A stored update.
public struct InboundRecord: Sendable, Equatable {
    public var botId: Int64
    public var updateId: Int64
    public var kind: TelegramUpdate.Kind
    public var state: InboundState
    public var userId: Int64?
    public var chatId: Int64?
    public var messageId: Int64?
    public var text: String?
    public var callbackId: String?
    /// A photo, document or voice message the message carries (kept for allowed senders only).
    public var attachment: ChatAttachment?
    public var receivedAt: Date
    public var turnId: Int64?
    public var note: String?
}

extension Ledger {
    /// The offset the next `getUpdates` asks from: one past the last update stored (0 at first).
    public func chatOffset(bot: Int64) throws -> Int64 {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT next_offset FROM chat_poll WHERE bot_id = ?", arguments: [bot]) ?? 0 }
    }

    /// Stores a batch of updates and moves the offset past them, in one transaction: an update is in the
    /// ledger before Telegram is told (by the next poll's offset) that it was received, so a kill at any
    /// moment loses none. An update id stored before is left as it was (a repeat answers nothing twice).
    /// Only an allowed sender's text is kept. Returns the updates that were new.
    @discardableResult
    public func recordChatUpdates(_ updates: [InboundUpdate], bot: Int64, at date: Date) throws -> [InboundUpdate] {
        try database.write { db in
            var fresh: [InboundUpdate] = []
            var offset = try Int64.fetchOne(db, sql: "SELECT next_offset FROM chat_poll WHERE bot_id = ?", arguments: [bot]) ?? 0
            for inbound in updates {
                let update = inbound.update
                offset = max(offset, update.updateId + 1)
                let keep = inbound.state == .received
                try db.execute(sql: """
                    INSERT OR IGNORE INTO chat_updates(bot_id, update_id, kind, state, user_id, chat_id, message_id, text, callback_id,
                                                       attachment, received_at, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [bot, update.updateId, update.kind.rawValue, inbound.state.rawValue, update.userId,
                                     update.chatId, update.messageId,
                                     keep ? update.text.map { update.kind == .callback ? Self.markingNUL($0) : Self.withoutNUL($0) } : nil, keep ? update.callbackId : nil,
                                     keep ? update.attachment.map { Self.withoutNUL(Self.attachmentText($0)) } : nil, date.timeIntervalSince1970, inbound.note])
                if db.changesCount == 1 { fresh.append(inbound) }
            }
            try db.execute(sql: """
                INSERT INTO chat_poll(bot_id, next_offset, last_ok_at) VALUES (?, ?, ?)
                ON CONFLICT(bot_id) DO UPDATE SET next_offset = max(chat_poll.next_offset, excluded.next_offset), last_ok_at = excluded.last_ok_at
                """, arguments: [bot, offset, date.timeIntervalSince1970])
            return fresh
        }
    }

    /// Updates waiting in `state`, oldest first.
    public func chatUpdates(bot: Int64, state: InboundState, limit: Int = 1000) throws -> [InboundRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_updates WHERE bot_id = ? AND state = ? ORDER BY update_id LIMIT ?",
                             arguments: [bot, state.rawValue, limit]).map(Self.inbound)
        }
    }

    /// The most recent updates of every state, newest first (`gw chat log`).
    public func recentChatUpdates(limit: Int) throws -> [InboundRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_updates ORDER BY received_at DESC, update_id DESC LIMIT ?", arguments: [limit]).map(Self.inbound)
        }
    }

    /// A NUL cannot be typed into an agent, and SQLite's text ends at one: the rest of the message would
    /// be cut off when read back. It is dropped, the words around it kept.
    static func withoutNUL(_ text: String) -> String { text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "") : text }

    /// A button's data is matched exactly: a NUL in it is kept visible (U+FFFD) rather than dropped,
    /// so `perm:1:allow<NUL>` never reads as the button it imitates.
    static func markingNUL(_ text: String) -> String { text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text }

    static func attachmentText(_ attachment: TelegramUpdate.Attachment) -> String {
        [attachment.kind, attachment.fileId, attachment.size.map(String.init) ?? "", attachment.fileName ?? ""].joined(separator: "\t")
    }

    static func inbound(_ row: Row) -> InboundRecord {
        InboundRecord(botId: row["bot_id"], updateId: row["update_id"], kind: TelegramUpdate.Kind(rawValue: row["kind"]) ?? .other,
                      state: InboundState(rawValue: row["state"]) ?? .ignored, userId: row["user_id"], chatId: row["chat_id"],
                      messageId: row["message_id"], text: row["text"], callbackId: row["callback_id"],
                      attachment: ChatAttachment(stored: row["attachment"]),
                      receivedAt: Date(timeIntervalSince1970: row["received_at"]), turnId: row["turn_id"], note: row["note"])
    }
}

/// How the bot's poller fares, for `gw chat status`.
public struct ChatPollHealth: Sendable, Equatable, Codable {
    public var botId: Int64
    public var nextOffset: Int64
    public var lastOkAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
}

extension Ledger {
    /// A poll that came back (with or without updates).
    public func chatPollSucceeded(bot: Int64, at date: Date) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO chat_poll(bot_id, next_offset, last_ok_at) VALUES (?, 0, ?)
                ON CONFLICT(bot_id) DO UPDATE SET last_ok_at = excluded.last_ok_at
                """, arguments: [bot, date.timeIntervalSince1970])
        }
    }

    /// A poll that failed, with what went wrong (never holding the token: callers pass API errors).
    public func chatPollFailed(bot: Int64, error: String, at date: Date) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO chat_poll(bot_id, next_offset, last_error, last_error_at) VALUES (?, 0, ?, ?)
                ON CONFLICT(bot_id) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at
                """, arguments: [bot, String(error.prefix(500)), date.timeIntervalSince1970])
        }
    }

    public func chatPollHealth() throws -> [ChatPollHealth] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_poll ORDER BY bot_id").map { row in
                ChatPollHealth(botId: row["bot_id"], nextOffset: row["next_offset"],
                               lastOkAt: (row["last_ok_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                               lastError: row["last_error"],
                               lastErrorAt: (row["last_error_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }
}
