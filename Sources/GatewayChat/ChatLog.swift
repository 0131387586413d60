import Foundation
import GatewayCore
import GatewayNotify

/// One line of `gw chat log`: a message the bot received, or one Gateway sent to a chat.
public struct ChatLogEntry: Sendable, Codable, Equatable {
    /// "in" or "out".
    public var direction: String
    public var time: Date
    public var botId: Int64
    public var chatId: Int64?
    /// The sender (in) — only an id for someone not allowed, whose words are never kept.
    public var userId: Int64?
    /// Telegram's message id (in), or the message answered (out).
    public var messageId: Int64?
    /// In: received, stranger, ignored, handled. Out: the outbox state (pending, delivered, failed, …).
    public var state: String
    public var text: String?
    /// The Mayor turn an incoming message went into.
    public var turnId: Int64?
    /// The outbox row of an outgoing message (`gw notify retry ID` if it failed).
    public var outboxId: Int64?
    /// Why an update was ignored or refused, the command it was, or why a message failed.
    public var note: String?
}

public enum ChatLog {
    /// The most recent `limit` messages in and out, oldest first.
    public static func entries(ledger: Ledger, limit: Int) async throws -> [ChatLogEntry] {
        let incoming = try await ledger.recentChatUpdates(limit: limit).map { record in
            ChatLogEntry(direction: "in", time: record.receivedAt, botId: record.botId, chatId: record.chatId, userId: record.userId,
                         messageId: record.messageId, state: record.state.rawValue, text: record.text, turnId: record.turnId,
                         outboxId: nil, note: record.note)
        }
        let outgoing = try await ledger.outboxEntries(targetPrefix: ChatReplyRoute.prefix, limit: limit).compactMap { entry -> ChatLogEntry? in
            guard let (bot, chat) = ChatReplyRoute.parse(entry.target) else { return nil }
            return ChatLogEntry(direction: "out", time: entry.deliveredAt ?? entry.createdAt, botId: bot, chatId: chat, userId: nil,
                                messageId: entry.replyTo, state: entry.state.rawValue, text: entry.text, turnId: nil,
                                outboxId: entry.id, note: entry.lastError)
        }
        return Array((incoming + outgoing).sorted { $0.time < $1.time }.suffix(limit))
    }
}
