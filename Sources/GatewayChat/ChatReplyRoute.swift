import Foundation
import GatewayCore
import GatewayNotify

/// Delivers the outbox rows bound for a chat (`chat:telegram:BOT:CHAT`): the Mayor's answers and
/// Gateway's own replies to commands, through the chat's bot, each a reply to the message it answers.
public struct ChatReplyRoute: OutboxRoute {
    let settings: TelegramChatSettings?

    public init(settings: TelegramChatSettings?) { self.settings = settings }

    static let prefix = OutboxRoutes.prefix + "telegram:"

    /// The outbox target for `chat` through bot `bot`.
    public static func target(bot: Int64, chat: Int64) -> String { "\(prefix)\(bot):\(chat)" }

    /// The bot and chat a target names; nil when it is not a chat target.
    public static func parse(_ target: String) -> (bot: Int64, chat: Int64)? {
        guard target.hasPrefix(prefix) else { return nil }
        let parts = target.dropFirst(prefix.count).split(separator: ":")
        guard parts.count == 2, let bot = Int64(parts[0]), let chat = Int64(parts[1]) else { return nil }
        return (bot, chat)
    }

    public func notifier(for target: String, services: OutboxRouteServices) throws(DeliveryFailure) -> (any Notifier, SecretScrubber)? {
        guard target.hasPrefix(Self.prefix) else { return nil }
        // The bot is named for `gw chat log`; a token changed since would be refused by Telegram in a
        // chat it never joined, and the row fails with what Telegram said.
        guard let (_, chat) = Self.parse(target) else { throw .permanent("\"\(target)\" is not a chat Gateway knows") }
        guard let settings else {
            throw .permanent("[chat.telegram] is no longer in gateway.toml, so this answer has no bot to go through: add it back, then `gw notify retry`")
        }
        let token: String
        do {
            token = try settings.token.resolve(variables: services.variables, root: services.root)
        } catch {
            throw .permanent(error.userMessage)
        }
        let telegram = TelegramSettings(chatID: String(chat), token: settings.token, apiBase: settings.apiBase)
        let notifier = TelegramNotifier(settings: telegram, token: token, timeout: 30, limiter: services.limiter, http: services.http,
                                        clock: services.clock, style: .chatReply)
        return (notifier, SecretScrubber([token]))
    }
}
