import Foundation
import Logging
import GatewayCore
import GatewayChat
import GatewayNotify

/// The daemon's side of a permission asked from the chat (`ChatPermissionWaiter` is the hook's): each
/// request is put to every allowed person's private chat with Allow and Deny buttons; the first press
/// decides it (a press from anyone else was never stored as received); once decided or timed out,
/// every prompt loses its buttons and the chat is told the outcome, through the outbox.
struct ChatPermissionDesk {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment
    var logger: Logger { environment.logger }

    func step(ledger: Ledger) async {
        guard let settings = config.current.gateway.chat.telegram, settings.policy != .disabled,
              let token = try? settings.token.resolve(variables: environment.variables, root: config.town.root) else { return }
        let api = TelegramBotAPI(http: environment.http, apiBase: settings.apiBase, token: token)
        do {
            // A hook that died mid-wait leaves its request pending: past its deadline (and a margin for
            // the hook's own last look), it is closed here so its buttons go.
            try await ledger.expireAbandonedChatPermissions(before: environment.clock.now().addingTimeInterval(-10), at: environment.clock.now())
            try await answerPresses(ledger: ledger, api: api)
            try await prompt(ledger: ledger, api: api, settings: settings)
            try await settle(ledger: ledger, api: api)
            try await tellUnseen(ledger: ledger, settings: settings)
        } catch {
            logger.error("chat: permission requests: \(error.userMessage)")
        }
    }

    /// Button presses: `perm:ID:allow` or `perm:ID:deny`.
    func answerPresses(ledger: Ledger, api: TelegramBotAPI) async throws {
        let bots = try await ledger.chatPollHealth().map(\.botId)
        for bot in bots {
            for press in try await ledger.chatUpdates(bot: bot, state: .received) where press.kind == .callback {
                let parts = (press.text ?? "").split(separator: ":")
                var note = "a button Gateway does not know"
                var reply = "This button does nothing any more."
                if parts.count == 3, parts[0] == "perm", let id = Int64(parts[1]), parts[2] == "allow" || parts[2] == "deny" {
                    let allow = parts[2] == "allow"
                    if try await ledger.decideChatPermission(id, allow: allow, by: press.userId, at: environment.clock.now()) {
                        note = "\(allow ? "allowed" : "denied") permission \(id)"
                        reply = allow ? "Allowed." : "Denied."
                        logger.info("chat: permission \(id) \(allow ? "allowed" : "denied") by Telegram user \(press.userId ?? 0)")
                    } else {
                        let state = try await ledger.chatPermission(id)?.state
                        note = "permission \(id) was already \(state?.rawValue ?? "gone")"
                        reply = state == .timedOut ? "Too late: no answer came in time, so it was denied." : "Already answered."
                    }
                }
                try await ledger.markChatUpdateHandled(bot: bot, update: press.updateId, note: note)
                if let id = press.callbackId {
                    do { try await api.answerCallback(id, text: reply) } catch { logger.debug("chat: answering a button press: \(error)") }
                }
            }
        }
    }

    /// Pending requests not yet shown go to every allowed person's private chat.
    func prompt(ledger: Ledger, api: TelegramBotAPI, settings: TelegramChatSettings) async throws {
        let requests = try await ledger.chatPermissionsToPrompt()
        guard !requests.isEmpty else { return }
        let people = Set(settings.allow + (try await ledger.chatSenders().map(\.userId))).sorted()
        for request in requests {
            var sent: [ChatMessageRef] = []
            for person in people {
                do {
                    if let message = try await api.send(chatId: person, html: Self.promptText(request, timeout: settings.permissionTimeout),
                                                        buttons: [("Allow", "perm:\(request.id):allow"), ("Deny", "perm:\(request.id):deny")]) {
                        sent.append(ChatMessageRef(chat: person, message: message))
                    }
                } catch {
                    logger.warning("chat: could not ask Telegram user \(person) about permission \(request.id): \(error)")
                }
            }
            // Nobody reached (no one allowed yet, or Telegram down): looked at again on the next step.
            guard !sent.isEmpty else { continue }
            try await ledger.recordChatPermissionPrompts(request.id, sent, at: environment.clock.now())
        }
    }

    /// Decided or timed-out requests: buttons taken away, and each chat told the outcome as a reply to
    /// the prompt it saw.
    func settle(ledger: Ledger, api: TelegramBotAPI) async throws {
        let requests = try await ledger.chatPermissionsToSettle()
        guard !requests.isEmpty else { return }
        // The bot the daemon polls: the outbox route names it, and sends through the configured token.
        let bot = try await ledger.chatPollHealth().first?.botId ?? 0
        for request in requests {
            let outcome = Self.outcomeText(request, timeout: config.current.gateway.chat.telegram?.permissionTimeout)
            for prompt in request.prompts {
                do { try await api.removeButtons(chatId: prompt.chat, messageId: prompt.message) } catch {
                    logger.debug("chat: removing the buttons of permission \(request.id): \(error)")
                }
                try await ledger.enqueueNotification(NotificationRequest(source: "chat-permission:\(request.id):\(prompt.chat)",
                                                                         target: ChatReplyRoute.target(bot: bot, chat: prompt.chat),
                                                                         title: "", text: outcome, replyTo: prompt.message),
                                                     now: environment.clock.now())
            }
            try await ledger.markChatPermissionSettled(request.id, at: environment.clock.now())
            events.outbox.ring()
        }
    }

    /// Requests that timed out while no prompt could reach anyone (Telegram down or refusing it): each
    /// allowed person is told once, through the outbox, which delivers it when Telegram takes it again.
    /// Only the last hour's: configuring chat later does not bring up old requests.
    func tellUnseen(ledger: Ledger, settings: TelegramChatSettings) async throws {
        let now = environment.clock.now()
        let requests = try await ledger.chatPermissionsTimedOutUnseen(since: now.addingTimeInterval(-3600))
        guard !requests.isEmpty else { return }
        let bot = try await ledger.chatPollHealth().first?.botId ?? 0
        let people = Set(settings.allow + (try await ledger.chatSenders().map(\.userId))).sorted()
        for request in requests {
            for person in people {
                try await ledger.enqueueNotification(NotificationRequest(source: "chat-permission-unseen:\(request.id):\(person)",
                                                                         target: ChatReplyRoute.target(bot: bot, chat: person),
                                                                         title: "", text: Self.unseenText(request, timeout: settings.permissionTimeout)),
                                                     now: now)
            }
            try await ledger.markChatPermissionSettled(request.id, at: now)
            logger.warning("chat: permission \(request.id) timed out before it could be put to anyone; the chat is told")
        }
        events.outbox.ring()
    }

    /// No input here: this goes through the outbox's Markdown rendering, and the input is the agent's.
    static func unseenText(_ request: ChatPermission, timeout: ConfigDuration) -> String {
        let who = request.agent == "mayor" ? "The Mayor" : "Agent \(request.agent)"
        let tool = ChatPermission.visible(request.tool).filter { $0 != "`" }
        return "⏱ \(who) asked to use `\(tool)` (permission \(request.id)), but the question could not be sent here within \(timeout), so it was denied. `gw mayor status` on the host shows it."
    }

    static func promptText(_ request: ChatPermission, timeout: ConfigDuration) -> String {
        let who = request.agent == "mayor" ? "The Mayor" : "Agent \(request.agent)"
        // Cut by its escaped length (`&` becomes five characters), so the message never passes the 4096
        // Telegram takes — a refused prompt would leave the request to time out unseen.
        var input = ""
        var units = 0
        var cut = false
        for character in ChatPermission.visible(shownInput(request.input)) {
            let escaped = TelegramFormat.escape(String(character))
            units += escaped.utf16.count
            guard units <= shownLimit else {
                cut = true
                input += "…"
                break
            }
            input += escaped
        }
        // A long input is cut (here, or when it was stored): the owner is told so, since what is not
        // shown may matter.
        if !cut, request.input.count >= ChatPermission.inputLimit {
            cut = true
            input += "…"
        }
        let rest = cut ? "\n<i>Longer than shown: the rest is not in this message.</i>" : ""
        return "🔐 <b>\(TelegramFormat.escape(who)) asks to use \(TelegramFormat.escape(ChatPermission.visible(request.tool)))</b>\n<pre>\(input)</pre>\(rest)\nNo answer within \(timeout) denies it."
    }

    /// The most of an input a prompt shows, in UTF-16 units once escaped: the message stays under the
    /// 4096 Telegram takes.
    static let shownLimit = 3000

    /// A Bash call shows its command as it would be typed; any other tool its input as JSON.
    static func shownInput(_ json: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let command = object["command"] as? String else { return json }
        return command
    }

    static func outcomeText(_ request: ChatPermission, timeout: ConfigDuration?) -> String {
        switch request.state {
        case .allowed: "✅ Allowed\(request.decidedBy.map { " by \($0)" } ?? "")."
        case .denied: "⛔ Denied\(request.decidedBy.map { " by \($0)" } ?? "")."
        case .timedOut: "⏱ No answer within \(timeout.map { "\($0)" } ?? "the time allowed"): denied."
        case .pending: "Waiting."
        }
    }
}
