import Foundation
import GatewayCore

/// Sorts what the poller receives before anything is stored: an allowed person's message or button
/// press is `received`; a stranger's is kept by its ids only (and, under `pairing`, answered with a
/// code); the rest is `ignored`. In a group the bot only hears messages that mention it or reply to it,
/// and only in the groups `[chat.telegram] groups` lists.
public struct ChatInbox: Sendable {
    let settings: TelegramChatSettings
    let access: ChatAccess
    /// The bot's own id and `@username` (lower-cased), from `getMe`.
    let botId: Int64
    let botUsername: String

    public init(settings: TelegramChatSettings, access: ChatAccess, botId: Int64, botUsername: String) {
        self.settings = settings
        self.access = access
        self.botId = botId
        self.botUsername = botUsername.lowercased()
    }

    /// One update sorted, and the pairing code to tell its sender, if any.
    public struct Sorted: Sendable, Equatable {
        public var inbound: InboundUpdate
        /// Say this code in this chat (a stranger under `pairing`, not told lately).
        public var pairingReply: (chatId: Int64, code: String, expiresAt: Date)?

        public static func == (left: Sorted, right: Sorted) -> Bool {
            left.inbound == right.inbound && left.pairingReply?.chatId == right.pairingReply?.chatId
                && left.pairingReply?.code == right.pairingReply?.code && left.pairingReply?.expiresAt == right.pairingReply?.expiresAt
        }
    }

    public func sort(_ update: TelegramUpdate, at date: Date) async throws -> Sorted {
        func ignored(_ note: String) -> Sorted { Sorted(inbound: InboundUpdate(update: update, state: .ignored, note: note)) }
        func stranger(_ note: String) -> Sorted { Sorted(inbound: InboundUpdate(update: update, state: .stranger, note: note)) }
        guard update.kind != .other else { return ignored("not a message or a button press") }
        guard let userId = update.userId, let chatId = update.chatId else { return ignored("no sender or chat") }
        if userId == botId { return ignored("the bot's own message") }
        switch update.chatType {
        case "private":
            break
        case "group", "supergroup":
            guard settings.groups.contains(chatId) else { return ignored("a group not listed in [chat.telegram] groups") }
            if update.kind == .message, !(update.repliesToBot || update.mentions.contains(botUsername)) {
                return ignored("a group message that neither mentions the bot nor replies to it")
            }
            // No pairing in a group: a code said there would be read by everyone in it.
            return try await access.isAllowed(userId) ? Sorted(inbound: InboundUpdate(update: update, state: .received)) : stranger("not allowed")
        default:
            return ignored("a \(update.chatType ?? "unknown") chat")
        }
        if update.kind == .callback {
            return try await access.isAllowed(userId) ? Sorted(inbound: InboundUpdate(update: update, state: .received)) : stranger("a button press from someone not allowed")
        }
        switch try await access.verdict(userId: userId, chatId: chatId, at: date) {
        case .allowed:
            return Sorted(inbound: InboundUpdate(update: update, state: .received))
        case .pairing(let code, let expiresAt, let reply):
            var sorted = stranger(reply ? "not allowed: sent a pairing code" : "not allowed: a pairing code is pending")
            if reply { sorted.pairingReply = (chatId, code, expiresAt) }
            return sorted
        case .ignored(let reason):
            return stranger("not allowed: \(reason)")
        }
    }
}
