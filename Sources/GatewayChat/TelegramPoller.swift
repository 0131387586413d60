import Foundation
import GatewayCore

/// One long poll of the bot: what Telegram holds for it from the stored offset on, sorted
/// (`ChatInbox`), stored with the new offset in one transaction, and a stranger under `pairing` told
/// their code. The loop around it, its backoff and its health, belong to the daemon.
public struct TelegramPoller: Sendable {
    /// How long Telegram holds a poll open when nothing arrives.
    public static let wait = 50
    /// How much longer than `wait` the HTTP call may take before the poll counts as stalled.
    public static let margin: TimeInterval = 15

    let api: TelegramBotAPI
    let inbox: ChatInbox
    let ledger: Ledger
    let botId: Int64
    let environment: GatewayEnvironment
    let wait: Int
    let margin: TimeInterval

    public init(api: TelegramBotAPI, inbox: ChatInbox, ledger: Ledger, botId: Int64, environment: GatewayEnvironment, wait: Int = TelegramPoller.wait,
                margin: TimeInterval = TelegramPoller.margin) {
        self.api = api
        self.inbox = inbox
        self.ledger = ledger
        self.botId = botId
        self.environment = environment
        self.wait = wait
        self.margin = margin
    }

    /// Polls once; returns the updates that were new, in order (each stored before this returns).
    public func pollOnce() async throws -> [InboundUpdate] {
        let offset = try await ledger.chatOffset(bot: botId)
        let updates = try await api.updates(offset: offset, wait: wait, margin: margin, botId: botId)
        guard !updates.isEmpty else { return [] }
        var sorted: [ChatInbox.Sorted] = []
        for update in updates { sorted.append(try await inbox.sort(update, at: environment.clock.now())) }
        let fresh = try await ledger.recordChatUpdates(sorted.map(\.inbound), bot: botId, at: environment.clock.now())
        for item in sorted where fresh.contains(item.inbound) {
            let inbound = item.inbound
            if inbound.state == .stranger {
                // Only the ids: nothing a stranger wrote goes into a log.
                environment.logger.info("chat: update \(inbound.update.updateId) from Telegram user \(inbound.update.userId ?? 0) refused (\(inbound.note ?? "not allowed"))")
            }
            guard let reply = item.pairingReply else { continue }
            do {
                try await api.send(chatId: reply.chatId, text: Self.pairingText(code: reply.code, expiresAt: reply.expiresAt, now: environment.clock.now()))
            } catch {
                // The code stays pending; the sender is told again when they write after the reply interval.
                environment.logger.warning("chat: could not send a pairing code to Telegram user \(inbound.update.userId ?? 0): \(error)")
            }
        }
        return fresh
    }

    static func pairingText(code: String, expiresAt: Date, now: Date) -> String {
        let minutes = max(1, Int((expiresAt.timeIntervalSince(now) / 60).rounded()))
        return "This bot talks only to its owner. If that is you, or they expect you, the owner lets you in by running\n\ngw chat pair \(code)\n\non their machine. The code expires in \(minutes) minutes."
    }
}
