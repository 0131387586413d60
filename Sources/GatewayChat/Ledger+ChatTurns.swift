import Foundation
import GRDB
import GatewayCore
import GatewayAgents
import GatewayNotify

/// A Mayor turn that carries chat messages.
public struct ChatTurn: Sendable, Equatable {
    public var turnId: Int64
    public var botId: Int64
    public var chatId: Int64
    /// The last message the turn carries: its answer is sent as a reply to it.
    public var replyTo: Int64?
    public var messages: Int
    public var answeredAt: Date?

    init(row: Row) {
        turnId = row["turn_id"]
        botId = row["bot_id"]
        chatId = row["chat_id"]
        replyTo = row["reply_to"]
        messages = row["messages"]
        answeredAt = (row["answered_at"] as Double?).map(Date.init(timeIntervalSince1970:))
    }

    /// The outbox target of its answer: the chat, through the bot that received it.
    public var replyTarget: String { ChatReplyRoute.target(bot: botId, chat: chatId) }
}

extension Ledger {
    /// Puts one received message into the Mayor's next turn for its chat, in one transaction: appended
    /// to that chat's turn while it is still queued (messages that arrive while the Mayor is busy go
    /// together, in order, as its next turn), else as a new turn; the update is marked handled with
    /// the turn's id. A queued turn whose text a delivery has fixed for its paste (`wire_text`) is
    /// being typed and takes nothing more. `notice`, when given, is queued in the outbox in the same
    /// transaction (an attachment that was not saved: its sender is told once, and only when the
    /// message went on). Returns the turn, or nil when the update was handled already (a repeat).
    @discardableResult
    public func queueChatMessage(_ record: InboundRecord, agent: String, block: String, at date: Date, notice: NotificationRequest? = nil) throws -> Int64? {
        try database.write { db in
            let state = try String.fetchOne(db, sql: "SELECT state FROM chat_updates WHERE bot_id = ? AND update_id = ?",
                                            arguments: [record.botId, record.updateId])
            guard state == InboundState.received.rawValue, let chatId = record.chatId else { return nil }
            if let notice { _ = try Self.insertNotification(db, notice, now: date) }
            let cleaned = TurnText.clean(block)
            var turnId = try Int64.fetchOne(db, sql: """
                SELECT c.turn_id FROM chat_turns c JOIN turns t ON t.id = c.turn_id
                WHERE c.bot_id = ? AND c.chat_id = ? AND t.state = 'queued' AND t.wire_text IS NULL ORDER BY c.turn_id DESC LIMIT 1
                """, arguments: [record.botId, chatId])
            if let queued = turnId {
                try db.execute(sql: "UPDATE turns SET text = text || ? WHERE id = ? AND state = 'queued'", arguments: ["\n\n" + cleaned, queued])
                try db.execute(sql: "UPDATE chat_turns SET reply_to = ?, messages = messages + 1 WHERE turn_id = ?",
                               arguments: [record.messageId, queued])
            } else {
                let created = try Self.insertTurn(db, agent: agent, text: cleaned, source: Turn.chatSource, at: date)
                try db.execute(sql: "INSERT INTO chat_turns(turn_id, bot_id, chat_id, reply_to, messages) VALUES (?, ?, ?, ?, 1)",
                               arguments: [created, record.botId, chatId, record.messageId])
                turnId = created
            }
            try db.execute(sql: "UPDATE chat_updates SET state = 'handled', turn_id = ? WHERE bot_id = ? AND update_id = ?",
                           arguments: [turnId, record.botId, record.updateId])
            return turnId
        }
    }

    /// Marks a received update handled without a turn (a command answered by Gateway itself).
    public func markChatUpdateHandled(bot: Int64, update: Int64, note: String) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_updates SET state = 'handled', note = ? WHERE bot_id = ? AND update_id = ? AND state = 'received'",
                           arguments: [note, bot, update])
        }
    }

    /// Turns a received update into a stranger's, keeping only its ids: its sender is no longer
    /// allowed (revoked, or chat disabled) and nothing of theirs may go on. False when it was not
    /// waiting any more.
    @discardableResult
    public func refuseChatUpdate(bot: Int64, update: Int64, note: String) throws -> Bool {
        try database.write { db in
            try db.execute(sql: """
                UPDATE chat_updates SET state = 'stranger', text = NULL, callback_id = NULL, attachment = NULL, note = ?
                WHERE bot_id = ? AND update_id = ? AND state = 'received'
                """, arguments: [note, bot, update])
            return db.changesCount == 1
        }
    }

    /// Chat turns whose answer came (the reply stored, or the turn ended without one) and has not gone
    /// to the chat yet, oldest first, with their turns.
    public func chatTurnsToAnswer() throws -> [(chat: ChatTurn, turn: Turn)] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.* FROM chat_turns c JOIN turns t ON t.id = c.turn_id
                WHERE c.answered_at IS NULL AND t.state IN ('replied', 'done', 'failed', 'timed_out') ORDER BY c.turn_id
                """)
            return try rows.compactMap { row in
                let chat = ChatTurn(row: row)
                return try Turn.fetchOne(db, sql: "SELECT * FROM turns WHERE id = ?", arguments: [chat.turnId]).map { (chat, $0) }
            }
        }
    }

    /// Puts a chat turn's answer in the outbox and marks the turn answered, in one transaction, so a
    /// kill between the two can neither lose the answer nor queue it twice.
    @discardableResult
    public func queueChatAnswer(_ chat: ChatTurn, _ request: NotificationRequest, at date: Date) throws -> OutboxEntry? {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_turns SET answered_at = ? WHERE turn_id = ? AND answered_at IS NULL",
                           arguments: [date.timeIntervalSince1970, chat.turnId])
            guard db.changesCount == 1 else { return nil }
            return try Self.insertNotification(db, request, now: date).entry
        }
    }

    /// Marks a chat turn answered without sending its answer (its messages were dropped with `/cancel`,
    /// which said so itself).
    public func markChatTurnAnswered(_ turnId: Int64, at date: Date) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE chat_turns SET answered_at = ? WHERE turn_id = ? AND answered_at IS NULL",
                           arguments: [date.timeIntervalSince1970, turnId])
        }
    }

    /// Chat turns the Mayor has and has not answered yet (sent or taken): their chats see "typing…".
    public func chatTurnsInFlight() throws -> [ChatTurn] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.* FROM chat_turns c JOIN turns t ON t.id = c.turn_id
                WHERE t.state IN ('sent', 'submitted') ORDER BY c.turn_id
                """).map(ChatTurn.init(row:))
        }
    }

    /// The chat turn a turn is, if it is one.
    public func chatTurn(_ turnId: Int64) throws -> ChatTurn? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM chat_turns WHERE turn_id = ?", arguments: [turnId]).map(ChatTurn.init(row:))
        }
    }

    /// A chat's turn still waiting to be sent, if any (what `/cancel` drops first). One being typed
    /// (its text fixed for the paste) is no longer waiting: the Mayor is about to see it.
    public func queuedChatTurn(bot: Int64, chat: Int64) throws -> ChatTurn? {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT c.* FROM chat_turns c JOIN turns t ON t.id = c.turn_id
                WHERE c.bot_id = ? AND c.chat_id = ? AND t.state = 'queued' AND t.wire_text IS NULL ORDER BY c.turn_id DESC LIMIT 1
                """, arguments: [bot, chat]).map(ChatTurn.init(row:))
        }
    }

    /// Whether a chat's turn is being typed into the agent right now (its text fixed, not yet sent).
    public func chatTurnBeingTyped(bot: Int64, chat: Int64) throws -> Bool {
        try database.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM chat_turns c JOIN turns t ON t.id = c.turn_id
                WHERE c.bot_id = ? AND c.chat_id = ? AND t.state = 'queued' AND t.wire_text IS NOT NULL)
                """, arguments: [bot, chat]) ?? false
        }
    }
}
