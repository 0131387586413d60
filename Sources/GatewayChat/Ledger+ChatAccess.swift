import Foundation
import GRDB
import GatewayCore

/// Someone the ledger lets talk to the Mayor.
public struct ChatSender: Sendable, Equatable, Codable {
    public enum How: String, Sendable, Codable {
        /// Sent a code the owner confirmed with `gw chat pair`.
        case paired
        /// Added by the owner with `gw chat allow`.
        case allowed
    }

    public var userId: Int64
    public var how: How
    /// The Telegram name they had when they were added (display only; ids decide).
    public var name: String?
    public var addedAt: Date
}

/// A one-time code handed to an unknown sender.
public struct PairingCode: Sendable, Equatable, Codable {
    public var code: String
    public var userId: Int64
    public var chatId: Int64
    public var name: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// When the sender was last told the code: replies to one sender are rate-limited.
    public var repliedAt: Date
    public var usedAt: Date?
}

extension Ledger {
    public func chatSender(_ userId: Int64) throws -> ChatSender? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM chat_senders WHERE user_id = ?", arguments: [userId]).map(Self.sender)
        }
    }

    public func chatSenders() throws -> [ChatSender] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_senders ORDER BY added_at, user_id").map(Self.sender)
        }
    }

    /// Adds (or re-labels) a sender; true when they were not there before.
    @discardableResult
    public func addChatSender(_ userId: Int64, how: ChatSender.How, name: String?, at date: Date) throws -> Bool {
        try database.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM chat_senders WHERE user_id = ?", arguments: [userId]) ?? false
            try db.execute(sql: """
                INSERT INTO chat_senders(user_id, how, name, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET how = excluded.how, name = COALESCE(excluded.name, chat_senders.name)
                """, arguments: [userId, how.rawValue, name, date.timeIntervalSince1970])
            return !existed
        }
    }

    /// Removes a sender and any code still pending for them; false when they were not there.
    @discardableResult
    public func removeChatSender(_ userId: Int64) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM chat_pairing_codes WHERE user_id = ? AND used_at IS NULL", arguments: [userId])
            try db.execute(sql: "DELETE FROM chat_senders WHERE user_id = ?", arguments: [userId])
            return db.changesCount > 0
        }
    }

    /// Codes not used and not expired at `date`, oldest first.
    public func pendingPairingCodes(at date: Date) throws -> [PairingCode] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_pairing_codes WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at",
                             arguments: [date.timeIntervalSince1970]).map(Self.pairingCode)
        }
    }

    /// Hands `userId` a code, in one transaction: the pending one they already have (its reply time
    /// moved when `reply` says so), or a new one made by `make` when fewer than `maxPending` are pending.
    /// Nil when the limit is reached. Expired codes are dropped on the way.
    public func pairingCode(for userId: Int64, chatId: Int64, name: String?, at date: Date, lifetime: TimeInterval,
                            maxPending: Int, replyEvery: TimeInterval, make: @Sendable () -> String) throws -> (code: PairingCode, reply: Bool)? {
        try database.write { db in
            let now = date.timeIntervalSince1970
            try db.execute(sql: "DELETE FROM chat_pairing_codes WHERE used_at IS NULL AND expires_at <= ?", arguments: [now])
            if var existing = try Row.fetchOne(db, sql: "SELECT * FROM chat_pairing_codes WHERE user_id = ? AND used_at IS NULL",
                                                arguments: [userId]).map(Self.pairingCode) {
                let reply = date.timeIntervalSince(existing.repliedAt) >= replyEvery
                if reply {
                    try db.execute(sql: "UPDATE chat_pairing_codes SET replied_at = ? WHERE code = ?", arguments: [now, existing.code])
                    existing.repliedAt = date
                }
                return (existing, reply)
            }
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chat_pairing_codes WHERE used_at IS NULL") ?? 0
            guard pending < maxPending else { return nil }
            var code = make()
            while try Bool.fetchOne(db, sql: "SELECT 1 FROM chat_pairing_codes WHERE code = ?", arguments: [code]) ?? false { code = make() }
            let made = PairingCode(code: code, userId: userId, chatId: chatId, name: name, createdAt: date,
                                   expiresAt: date.addingTimeInterval(lifetime), repliedAt: date, usedAt: nil)
            try db.execute(sql: """
                INSERT INTO chat_pairing_codes(code, user_id, chat_id, name, created_at, expires_at, replied_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [made.code, userId, chatId, name, now, made.expiresAt.timeIntervalSince1970, now])
            return (made, true)
        }
    }

    /// Uses a pending code: its sender becomes `paired`. Nil when no such code is pending at `date`.
    public func redeemPairingCode(_ code: String, at date: Date) throws -> PairingCode? {
        try database.write { db in
            let now = date.timeIntervalSince1970
            guard var found = try Row.fetchOne(db, sql: "SELECT * FROM chat_pairing_codes WHERE code = ? AND used_at IS NULL AND expires_at > ?",
                                               arguments: [code, now]).map(Self.pairingCode) else { return nil }
            try db.execute(sql: "UPDATE chat_pairing_codes SET used_at = ? WHERE code = ?", arguments: [now, code])
            try db.execute(sql: """
                INSERT INTO chat_senders(user_id, how, name, added_at) VALUES (?, 'paired', ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET how = 'paired', name = COALESCE(excluded.name, chat_senders.name)
                """, arguments: [found.userId, found.name, now])
            found.usedAt = date
            return found
        }
    }

    static func sender(_ row: Row) -> ChatSender {
        ChatSender(userId: row["user_id"], how: ChatSender.How(rawValue: row["how"]) ?? .allowed, name: row["name"],
                   addedAt: Date(timeIntervalSince1970: row["added_at"]))
    }

    static func pairingCode(_ row: Row) -> PairingCode {
        PairingCode(code: row["code"], userId: row["user_id"], chatId: row["chat_id"], name: row["name"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]), expiresAt: Date(timeIntervalSince1970: row["expires_at"]),
                    repliedAt: Date(timeIntervalSince1970: row["replied_at"]),
                    usedAt: (row["used_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
