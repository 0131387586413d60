import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayChat

/// The daemon's one poller of the chat bot (`[chat.telegram]`): long polls in a loop, each update
/// stored before the next poll asks past it (`TelegramPoller`). It holds the bot's machine-wide lock
/// (`BotPollLock`) for as long as it polls, so a second town on the same token is refused, not raced.
/// A failed poll is retried with backoff (Telegram's `retry_after` on 429); one that outlives its HTTP
/// timeout plus a margin is abandoned and started again — by curl's own limit, and should anything hold
/// the poll past that (`stallLimit`), by this loop, which leaves the stuck call behind and polls anew
/// (what the stuck call may still store is deduplicated by update id). Health goes to the ledger for
/// `gw chat status`.
/// Without `[chat.telegram]` (or with `policy = "disabled"`) it only waits for the config to change.
struct ChatService: Service {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment
    /// How long one poll may take, all of it, before the loop leaves it behind: well past the HTTP
    /// call's own limit (`TelegramPoller.wait` + `margin`) and the pairing replies a poll may send.
    var stallLimit: TimeInterval = TimeInterval(TelegramPoller.wait) + TelegramPoller.margin + 90
    var logger: Logger { environment.logger }
    var town: Town { config.town }

    func run() async throws {
        let ledger = try environment.ledger(town)
        while !DaemonPause.shuttingDown {
            let seen = events.chat.count
            guard let settings = config.current.gateway.chat.telegram, settings.policy != .disabled else {
                guard await DaemonPause.wait(for: events.chat, after: seen, until: environment.clock.now().addingTimeInterval(86_400), on: environment.clock) else { break }
                continue
            }
            let pause = await pollWhileUnchanged(settings, ledger: ledger)
            guard await DaemonPause.wait(for: events.chat, after: seen, until: environment.clock.now().addingTimeInterval(pause), on: environment.clock) else { break }
        }
        logger.info("chat poller stopped")
    }

    /// Polls with `settings` until they change, the daemon stops, or something needs a pause first;
    /// returns how long to wait before starting over.
    func pollWhileUnchanged(_ settings: TelegramChatSettings, ledger: Ledger) async -> TimeInterval {
        let token: String
        do {
            token = try settings.token.resolve(variables: environment.variables, root: town.root)
        } catch {
            return await failed(bot: 0, "\(error.userMessage) — a daemon under systemd or launchd does not see your shell's variables: use token_file", ledger: ledger, pause: 300)
        }
        guard let botId = TelegramBotAPI.botId(fromToken: token) else {
            return await failed(bot: 0, "\(settings.token.key): this is not a bot token (it looks like 123456:ABC…, from @BotFather)", ledger: ledger, pause: 300)
        }
        let lock: BotPollLock
        do {
            lock = try BotPollLock(file: BotPollLock.file(botId: botId, variables: environment.variables), town: town)
        } catch {
            return await failed(bot: botId, error.userMessage, ledger: ledger, pause: 60)
        }
        defer { lock.release() }
        let api = TelegramBotAPI(http: environment.http, apiBase: settings.apiBase, token: token)
        let me: (id: Int64, username: String)
        do {
            me = try await api.me()
        } catch {
            return await failed(bot: botId, "getMe: \(error)", ledger: ledger, pause: Self.pause(after: error, attempt: 0))
        }
        logger.info("chat: polling Telegram bot @\(me.username) (policy \(settings.policy.rawValue))")
        let inbox = ChatInbox(settings: settings, access: ChatAccess(settings: settings, ledger: ledger), botId: me.id, botUsername: me.username)
        let poller = TelegramPoller(api: api, inbox: inbox, ledger: ledger, botId: me.id, environment: environment)
        var attempt = 0
        while !DaemonPause.shuttingDown, config.current.gateway.chat.telegram == settings {
            do {
                let fresh = try await cancelWhenGracefulShutdown {
                    try await abandoning("getUpdates", after: stallLimit, clock: environment.clock) { try await poller.pollOnce() }
                }
                try await ledger.chatPollSucceeded(bot: me.id, at: environment.clock.now())
                attempt = 0
                if fresh.contains(where: { $0.state == .received }) { events.conversation.ring() }
            } catch {
                if DaemonPause.shuttingDown { break }
                let pause = Self.pause(after: error, attempt: attempt)
                attempt += 1
                _ = await failed(bot: me.id, "getUpdates: \(error)", ledger: ledger, pause: pause)
                guard await DaemonPause.sleep(pause, on: environment.clock) else { break }
            }
        }
        return 0
    }

    /// Records and logs a failure; returns `pause`.
    func failed(bot: Int64, _ message: String, ledger: Ledger, pause: TimeInterval) async -> TimeInterval {
        logger.warning("chat: \(message); trying again in \(Int(pause)) s")
        try? await ledger.chatPollFailed(bot: bot, error: message, at: environment.clock.now())
        return pause
    }

    /// How long to wait after a failed call: Telegram's own `retry after N` on 429, long for a refused
    /// token (nothing changes until the config does), else 1 s doubling to a minute.
    static func pause(after error: any Error, attempt: Int) -> TimeInterval {
        if case .refused(let code, let description)? = error as? TelegramAPIError {
            switch code {
            case 429:
                let number = description.split(whereSeparator: { !$0.isNumber }).last.flatMap { TimeInterval($0) }
                return min(max(number ?? 5, 1), 3600)
            case 401, 404:
                return 600
            case 409:
                // Another getUpdates (another machine) or a webhook on this bot: it will not pass soon.
                return 30
            default:
                break
            }
        }
        return min(pow(2, Double(min(attempt, 6))), 60)
    }
}
