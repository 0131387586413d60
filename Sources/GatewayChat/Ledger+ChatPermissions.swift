import Foundation
import GRDB
import GatewayCore

/// A permission an agent asked for, put to the owner in the chat.
public struct ChatPermission: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        case pending, allowed, denied
        /// Nobody answered before the deadline: denied.
        case timedOut = "timed_out"
    }

    public var id: Int64
    public var agent: String
    public var tool: String
    /// The tool's input as the agent gave it, shortened.
    public var input: String
    public var state: State
    public var createdAt: Date
    public var deadline: Date
    public var decidedAt: Date?
    /// The Telegram user who pressed the button.
    public var decidedBy: Int64?
    /// The prompts sent, as (chat, message) pairs, so their buttons can be taken away.
    public var prompts: [ChatMessageRef]
    public var promptedAt: Date?
    public var settledAt: Date?

    init(row: Row) {
        id = row["id"]
        agent = row["agent"]
        tool = row["tool"]
        input = row["input"]
        state = State(rawValue: row["state"]) ?? .denied
        createdAt = Date(timeIntervalSince1970: row["created_at"])
        deadline = Date(timeIntervalSince1970: row["deadline"])
        decidedAt = (row["decided_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        decidedBy = row["decided_by"]
        prompts = ChatMessageRef.list(row["prompts"])
        promptedAt = (row["prompted_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        settledAt = (row["settled_at"] as Double?).map(Date.init(timeIntervalSince1970:))
    }

    /// The longest tool input kept and shown: enough to judge a command, short enough for a message.
    public static let inputLimit = 1500

    /// A tool's input as the owner must see it to judge it: every character that would act rather
    /// than show — control characters (a carriage return, an escape sequence, a NUL), bidirectional
    /// overrides and other invisible formatting (a right-to-left override can make `rm -rf ~` read as
    /// something harmless) — is written out as `\u{…}` (`\r` for a carriage return); line breaks and
    /// tabs stay as they are.
    public static func visible(_ text: String) -> String {
        var shown = ""
        shown.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\t":
                shown.unicodeScalars.append(scalar)
            case "\r":
                shown += "\\r"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
                    shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                default:
                    shown.unicodeScalars.append(scalar)
                }
            }
        }
        return shown
    }
}

/// A message in a chat.
public struct ChatMessageRef: Sendable, Equatable, Codable {
    public var chat: Int64
    public var message: Int64

    public init(chat: Int64, message: Int64) {
        self.chat = chat
        self.message = message
    }

    static func list(_ text: String?) -> [ChatMessageRef] {
        (text ?? "").split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let chat = Int64(parts[0]), let message = Int64(parts[1]) else { return nil }
            return ChatMessageRef(chat: chat, message: message)
        }
    }

    static func text(_ refs: [ChatMessageRef]) -> String { refs.map { "\($0.chat):\($0.message)" }.joined(separator: ",") }
}

extension Ledger {
    /// Records a request the agent's hook now waits on; returns it.
    public func openChatPermission(agent: String, tool: String, input: String, deadline: Date, at date: Date) throws -> ChatPermission {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO chat_permissions(agent, tool, input, state, created_at, deadline) VALUES (?, ?, ?, 'pending', ?, ?)
                """, arguments: [agent, String(tool.prefix(200)), String(input.prefix(ChatPermission.inputLimit)),
                                 date.timeIntervalSince1970, deadline.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            return try Row.fetchOne(db, sql: "SELECT * FROM chat_permissions WHERE id = ?", arguments: [id]).map(ChatPermission.init(row:))!
        }
    }

    /// The same call (agent, tool, input) answered by a person since `since`, if any: Claude Code may
    /// ask again for a call it regenerated (a retried model stream), and the owner's answer of a moment
    /// ago stands for it. Recorded as a request of its own, decided as the earlier one was, and never
    /// put to the chat; only an answer given in the chat counts, so repeats never extend the window.
    public func repeatChatPermission(agent: String, tool: String, input: String, since: Date, at date: Date) throws -> ChatPermission? {
        // Only a call kept whole can be known to be the same: one cut to the limits below could differ
        // from an earlier one after the cut (and a call as long as the cut could be a longer one's start).
        guard tool.count < 200, input.count < ChatPermission.inputLimit else { return nil }
        return try database.write { db in
            guard let earlier = try Row.fetchOne(db, sql: """
                SELECT * FROM chat_permissions WHERE agent = ? AND tool = ? AND input = ? AND state IN ('allowed', 'denied')
                    AND decided_by IS NOT NULL AND prompted_at IS NOT NULL AND decided_at >= ? ORDER BY id DESC LIMIT 1
                """, arguments: [agent, String(tool.prefix(200)), String(input.prefix(ChatPermission.inputLimit)), since.timeIntervalSince1970])
                .map(ChatPermission.init(row:)) else { return nil }
            let time = date.timeIntervalSince1970
            try db.execute(sql: """
                INSERT INTO chat_permissions(agent, tool, input, state, created_at, deadline, decided_at, decided_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [agent, earlier.tool, earlier.input, earlier.state.rawValue, time, time, time, earlier.decidedBy])
            return try Row.fetchOne(db, sql: "SELECT * FROM chat_permissions WHERE id = ?", arguments: [db.lastInsertedRowID]).map(ChatPermission.init(row:))
        }
    }

    public func chatPermission(_ id: Int64) throws -> ChatPermission? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM chat_permissions WHERE id = ?", arguments: [id]).map(ChatPermission.init(row:))
        }
    }

    /// Requests still waiting for an answer, oldest first.
    public func pendingChatPermissions() throws -> [ChatPermission] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_permissions WHERE state = 'pending' ORDER BY id").map(ChatPermission.init(row:))
        }
    }

    /// Decides a pending request; false when it was decided already (the first answer stands) or has
    /// passed its deadline.
    public func decideChatPermission(_ id: Int64, allow: Bool, by user: Int64?, at date: Date) throws -> Bool {
        try database.write { db in
            try db.execute(sql: """
                UPDATE chat_permissions SET state = ?, decided_at = ?, decided_by = ? WHERE id = ? AND state = 'pending' AND deadline > ?
                """, arguments: [allow ? "allowed" : "denied", date.timeIntervalSince1970, user, id, date.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    /// Ends a request nobody answered; false when an answer came first.
    public func expireChatPermission(_ id: Int64, at date: Date) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_permissions SET state = 'timed_out', decided_at = ? WHERE id = ? AND state = 'pending'",
                           arguments: [date.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
    }

    /// Pending requests well past their deadline: their hook is gone (the agent interrupted or stopped
    /// the call, or died), so nobody will time them out. Marked timed out; returns how many.
    @discardableResult
    public func expireAbandonedChatPermissions(before date: Date, at now: Date) throws -> Int {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_permissions SET state = 'timed_out', decided_at = ? WHERE state = 'pending' AND deadline < ?",
                           arguments: [now.timeIntervalSince1970, date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Pending requests not yet put to the owner.
    public func chatPermissionsToPrompt() throws -> [ChatPermission] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_permissions WHERE state = 'pending' AND prompted_at IS NULL ORDER BY id")
                .map(ChatPermission.init(row:))
        }
    }

    public func recordChatPermissionPrompts(_ id: Int64, _ prompts: [ChatMessageRef], at date: Date) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_permissions SET prompts = ?, prompted_at = ? WHERE id = ?",
                           arguments: [ChatMessageRef.text(prompts), date.timeIntervalSince1970, id])
        }
    }

    /// Requests decided (or timed out) whose prompts still show their buttons.
    public func chatPermissionsToSettle() throws -> [ChatPermission] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM chat_permissions WHERE state != 'pending' AND prompted_at IS NOT NULL AND settled_at IS NULL ORDER BY id
                """).map(ChatPermission.init(row:))
        }
    }

    /// Requests that timed out before the chat could be asked at all (Telegram did not take the
    /// prompt), with a deadline after `since`, not yet told: the owner hears of them after the fact.
    public func chatPermissionsTimedOutUnseen(since: Date) throws -> [ChatPermission] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM chat_permissions WHERE state = 'timed_out' AND prompted_at IS NULL AND settled_at IS NULL
                    AND decided_by IS NULL AND deadline >= ? ORDER BY id
                """, arguments: [since.timeIntervalSince1970]).map(ChatPermission.init(row:))
        }
    }

    public func markChatPermissionSettled(_ id: Int64, at date: Date) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_permissions SET settled_at = ? WHERE id = ?", arguments: [date.timeIntervalSince1970, id])
        }
    }

    /// The latest requests of `agent`, newest first (`gw mayor status`).
    public func recentChatPermissions(agent: String, limit: Int) throws -> [ChatPermission] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM chat_permissions WHERE agent = ? ORDER BY id DESC LIMIT ?", arguments: [agent, limit])
                .map(ChatPermission.init(row:))
        }
    }
}
