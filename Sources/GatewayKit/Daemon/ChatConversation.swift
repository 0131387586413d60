import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayAgents
import GatewayChat
import GatewayHeartbeat
import GatewayHooks
import GatewayNotify
import GatewayUsage

/// The daemon's side of a conversation in the chat: what the poller stored from someone allowed
/// becomes the Mayor's turn (or a command Gateway answers itself), the Mayor's answer goes back to the
/// chat through the outbox as a reply to the last message it answers, and the chat shows "typing…"
/// while the Mayor works. Woken when the poller stores a message and when a turn moves; every step
/// reads the ledger, so a killed daemon's successor picks up exactly where it stopped.
struct ChatConversation: Service {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment
    let runner: BeatRunner
    var logger: Logger { environment.logger }
    var town: Town { config.town }

    /// Attachments on their way: each downloads in a task of its own, so a large or slow one never
    /// holds up another chat's messages, a button press or the answers.
    let downloads = ChatDownloads()

    /// Telegram shows "typing…" for about five seconds: renewed a little sooner.
    static let typingInterval: TimeInterval = 4

    func run() async throws {
        let ledger = try environment.ledger(town)
        await withDiscardingTaskGroup { group in
            group.addTask { await converse(ledger: ledger) }
            // Every download the conversation asks for runs beside it, and rings it when done.
            while !DaemonPause.shuttingDown {
                let seen = downloads.requested.count
                for job in await downloads.start() {
                    group.addTask {
                        let outcome = await job.saver.save(job.attachment, update: job.key.update) { await downloads.wanted(job.key) }
                        await downloads.finish(job.key, outcome)
                        events.conversation.ring()
                    }
                }
                guard await DaemonPause.wait(for: downloads.requested, after: seen, until: environment.clock.now().addingTimeInterval(86_400),
                                             on: environment.clock) else { break }
            }
        }
        logger.info("chat conversation stopped")
    }

    /// The conversation's loop: woken when a message is stored, a turn moves or a download ends.
    func converse(ledger: Ledger) async {
        var lastTyping: [Int64: Date] = [:]
        while !DaemonPause.shuttingDown {
            let seen = events.conversation.count
            let pausedUntil = await step(ledger: ledger)
            var next = environment.clock.now().addingTimeInterval(config.current.gateway.daemon.poll.seconds)
            // Messages a budget holds go on when it resets.
            if let pausedUntil { next = min(next, pausedUntil) }
            if let typing = await showTyping(ledger: ledger, last: &lastTyping) { next = min(next, typing) }
            guard await DaemonPause.wait(for: events.conversation, after: seen, until: next, on: environment.clock) else { break }
        }
    }

    /// Messages in, answers out. Returns when a budget that holds messages back resets, if one does.
    func step(ledger: Ledger) async -> Date? {
        var pausedUntil: Date?
        do {
            try await refuseNoLongerAllowed(ledger: ledger)
            let taken = try await takeMessages(ledger: ledger)
            pausedUntil = taken.pausedUntil
            if taken.queued { events.broker.ring() }
            if try await sendAnswers(ledger: ledger) { events.outbox.ring() }
        } catch {
            logger.error("chat: \(error.userMessage)")
        }
        await ChatPermissionDesk(config: config, events: events, environment: environment).step(ledger: ledger)
        return pausedUntil
    }

    /// Every stored message from someone allowed, in order: a command is answered here; anything else
    /// joins the Mayor's next turn for its chat — unless a budget covering chat is spent: then it stays
    /// stored until the pause ends. A message whose attachment is still downloading waits, and so does
    /// every later message of its chat (their order is kept); other chats go on. Returns whether a turn
    /// was queued or grew, and when such a pause ends.
    func takeMessages(ledger: Ledger) async throws -> (queued: Bool, pausedUntil: Date?) {
        var queued = false
        let bots = try await ledger.chatPollHealth().map(\.botId)
        // Looked up once per pass, and only when a message waits.
        var budgetPause: BudgetPause??
        for bot in bots {
            // Chats with a message behind a download still running.
            var waitingChats: Set<Int64> = []
            for record in try await ledger.chatUpdates(bot: bot, state: .received) where record.kind == .message {
                if let chatId = record.chatId, waitingChats.contains(chatId) { continue }
                if let command = record.text.flatMap(ChatCommand.init(message:)) {
                    try await answer(command, record: record, ledger: ledger)
                    continue
                }
                if budgetPause == nil { budgetPause = try await config.current.gateway.budgetGate.pause(.chat, ledger: ledger, environment: environment) }
                if let pause = budgetPause ?? nil {
                    // Kept as received: it becomes a turn once the pause lifts. Its chat is told once per pause.
                    try await tellPaused(pause, record: record, ledger: ledger)
                    continue
                }
                // The file is saved before the message is queued, and under a name fixed by the update:
                // a daemon killed in between saves the same file again and loses nothing.
                var line: String?
                var notice: NotificationRequest?
                let key = ChatDownloads.Key(bot: record.botId, update: record.updateId)
                if let attachment = record.attachment, let saver = attachmentSaver {
                    guard let outcome = await downloads.outcome(key, attachment: attachment, saver: saver) else {
                        if let chatId = record.chatId { waitingChats.insert(chatId) }
                        continue
                    }
                    line = outcome.line(for: attachment)
                    if case .notSaved(_, let reply) = outcome, let chatId = record.chatId {
                        notice = NotificationRequest(source: "chat-attachment:\(record.botId):\(record.updateId)", target: ChatReplyRoute.target(bot: record.botId, chat: chatId),
                                                     title: "", text: reply, replyTo: record.messageId)
                    }
                }
                let block = ChatTurnText.block(text: record.text, userId: record.userId, name: nil, at: record.receivedAt, timeZone: timeZone, attachment: line)
                let turn = try await ledger.queueChatMessage(record, agent: Hook.mayor, block: block, at: environment.clock.now(), notice: notice)
                await downloads.forget(key)
                if let turn {
                    if notice != nil { events.outbox.ring() }
                    logger.info("chat: message \(record.updateId) from Telegram user \(record.userId ?? 0) is part of turn \(turn)")
                    queued = true
                }
            }
        }
        return (queued, (budgetPause ?? nil)?.until)
    }

    /// What still waits from someone no longer allowed — revoked after it was stored (under a budget
    /// pause, or behind a download), or chat disabled since — never goes on: it becomes a stranger's,
    /// its words dropped, a button press included.
    func refuseNoLongerAllowed(ledger: Ledger) async throws {
        guard let settings = config.current.gateway.chat.telegram else { return }
        let access = ChatAccess(settings: settings, ledger: ledger)
        var allowed: [Int64: Bool] = [:]
        for bot in try await ledger.chatPollHealth().map(\.botId) {
            for record in try await ledger.chatUpdates(bot: bot, state: .received) {
                guard let user = record.userId else { continue }
                if allowed[user] == nil { allowed[user] = try await access.isAllowed(user) }
                guard allowed[user] == false else { continue }
                if try await ledger.refuseChatUpdate(bot: bot, update: record.updateId, note: "not allowed any more: dropped before it went on") {
                    await downloads.forget(ChatDownloads.Key(bot: bot, update: record.updateId))
                    logger.info("chat: update \(record.updateId) from Telegram user \(user) dropped: they are not allowed any more")
                }
            }
        }
    }

    /// Says in the message's chat, once per pause, that the budget holds its messages and until when.
    func tellPaused(_ pause: BudgetPause, record: InboundRecord, ledger: Ledger) async throws {
        guard let chatId = record.chatId else { return }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        let request = NotificationRequest(
            source: "budget-chat:\(record.botId):\(chatId):\(Int64(pause.until.timeIntervalSince1970))", target: ChatReplyRoute.target(bot: record.botId, chat: chatId),
            title: "", text: "⏸ \(pause.description) is reached: your messages are kept and go to the Mayor when it resets, at \(formatter.string(from: pause.until)) (or when the owner runs `gw budget resume`).",
            replyTo: record.messageId)
        if try await ledger.enqueueNotification(request, now: environment.clock.now()).inserted { events.outbox.ring() }
    }

    /// Saves attachments as `[chat.telegram]` says; nil without it (the bot is not configured any more).
    var attachmentSaver: ChatAttachmentSaver? {
        config.current.gateway.chat.telegram.map { ChatAttachmentSaver(environment: environment, town: town, config: config.current.gateway, settings: $0) }
    }

    /// The heartbeat's zone, so the times in the Mayor's messages read like its daily logs.
    var timeZone: TimeZone { config.current.gateway.heartbeat.timeZone() }

    /// Each chat turn whose answer came goes to its chat, once (queued with the mark in one transaction).
    func sendAnswers(ledger: Ledger) async throws -> Bool {
        var sent = false
        for (chat, turn) in try await ledger.chatTurnsToAnswer() {
            let text: String
            switch turn.state {
            case .replied, .done:
                let reply = (turn.reply ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                text = reply.isEmpty ? "(The Mayor answered without any text.)" : reply
            case .timedOut:
                text = "⚠️ The Mayor did not answer within \(config.current.gateway.mayor.turnTimeout). See `gw mayor status` on the host."
            default:
                text = "⚠️ The Mayor could not answer: \(turn.error ?? "its turn failed"). Send the message again, or see `gw mayor status` on the host."
            }
            let request = NotificationRequest(source: "chat-answer:\(turn.id)", target: chat.replyTarget, title: "", text: text, replyTo: chat.replyTo)
            if try await ledger.queueChatAnswer(chat, request, at: environment.clock.now()) != nil {
                logger.info("chat: the answer to turn \(turn.id) is queued for its chat")
                sent = true
            }
        }
        return sent
    }

    /// Gateway's own answer to a command, through the outbox like any answer.
    func answer(_ command: ChatCommand, record: InboundRecord, ledger: Ledger) async throws {
        guard let chatId = record.chatId else { return }
        let text: String
        switch command {
        case .help: text = ChatCommand.helpText
        case .status: text = await statusText(ledger: ledger)
        case .beat: text = await beatNow()
        case .cancel: text = try await cancel(bot: record.botId, chat: chatId, ledger: ledger)
        }
        let request = NotificationRequest(source: "chat-command:\(record.botId):\(record.updateId)", target: ChatReplyRoute.target(bot: record.botId, chat: chatId),
                                          title: "", text: text, replyTo: record.messageId)
        try await ledger.enqueueNotification(request, now: environment.clock.now())
        try await ledger.markChatUpdateHandled(bot: record.botId, update: record.updateId, note: "/\(command.rawValue)")
        logger.info("chat: answered /\(command.rawValue) from Telegram user \(record.userId ?? 0)")
        events.outbox.ring()
    }

    func statusText(ledger: Ledger) async -> String {
        var lines: [String] = []
        let mayor = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config.current.gateway))
        if let status = try? await AgentStatusReader(lifecycle: mayor).read() {
            var line = "Mayor: \(status.state)"
            if let note = status.note { line += " (\(note))" }
            lines.append(line)
            if let waiting = status.waitingPermission { lines.append("Waiting for a permission: \(waiting)") }
            lines.append(status.queuedTurns == 0 ? "Nothing waits." : "Waiting: \(status.queuedTurns) turn\(status.queuedTurns == 1 ? "" : "s")")
        } else {
            lines.append("Mayor: unknown (its state could not be read)")
        }
        if let beat = try? await ledger.heartbeatHistory(limit: 1).first {
            let ago = Int(environment.clock.now().timeIntervalSince(beat.time) / 60)
            let what = beat.outcome == "ran" ? "ran \(beat.tasks.joined(separator: ", "))" : "skipped (\(beat.skipReason ?? "no reason"))"
            lines.append("Last heartbeat: \(ago) min ago, \(what)")
        } else {
            lines.append("Last heartbeat: none yet")
        }
        return lines.joined(separator: "\n")
    }

    func beatNow() async -> String {
        do {
            let (beatId, skipped) = try await runner.runNow(tasks: [])
            guard let beatId else { return "No heartbeat: \(skipped ?? "nothing is due")." }
            events.scheduler.ring()
            events.broker.ring()
            return "Heartbeat \(beatId) is on its way to the Mayor; what it finds is sent as usual."
        } catch {
            return "The heartbeat could not start: \(error.userMessage)"
        }
    }

    /// Drops this chat's messages that wait; with none waiting, stops the Mayor's turn when it is this
    /// chat's. Says which it did.
    func cancel(bot: Int64, chat: Int64, ledger: Ledger) async throws -> String {
        let now = environment.clock.now()
        if let queued = try await ledger.queuedChatTurn(bot: bot, chat: chat) {
            try await ledger.endTurn(queued.turnId, state: .failed, error: "cancelled from the chat with /cancel before it was sent", at: now)
            try await ledger.markChatTurnAnswered(queued.turnId, at: now)
            events.broker.ring()
            return "Dropped \(queued.messages) waiting message\(queued.messages == 1 ? "" : "s"); the Mayor never saw \(queued.messages == 1 ? "it" : "them")."
        }
        guard let running = try await ledger.turnInFlight(agent: Hook.mayor) else {
            if try await ledger.chatTurnBeingTyped(bot: bot, chat: chat) {
                return "Your messages are being typed into the Mayor's session this very moment: send /cancel again to stop the turn."
            }
            return "Nothing to cancel: the Mayor is not working on anything."
        }
        guard let chatTurn = try await ledger.chatTurn(running.id), chatTurn.botId == bot, chatTurn.chatId == chat else {
            return "Nothing of yours to cancel: the Mayor is working on something else (\(running.source)); /status says more."
        }
        if running.state == Turn.State.replied { return "Too late to cancel: the Mayor has answered, and its reply is on its way." }
        let mayor = AgentRuntime.mayor(environment: environment, town: town, config: config.current.gateway)
        // Esc stops Claude Code's turn without a Stop hook, so the turn is ended here — first, so that
        // nothing new is sent to the Mayor before its key goes and the key stops only this turn.
        try await ledger.endTurn(running.id, state: .failed, error: "stopped from the chat with /cancel", at: now)
        try await ledger.markChatTurnAnswered(running.id, at: now)
        do {
            try await environment.processes.check(mayor.tmux.sendKeys(mayor.session, ["Escape"]))
        } catch {
            logger.warning("chat: /cancel could not press Esc in the Mayor's session: \(error.userMessage)")
        }
        events.broker.ring()
        return "Stopped the Mayor's turn on your message\(chatTurn.messages == 1 ? "" : "s")."
    }

    /// "typing…" in each chat whose turn the Mayor is working on, renewed every few seconds. Returns
    /// when to renew it next, nil when no chat waits.
    func showTyping(ledger: Ledger, last: inout [Int64: Date]) async -> Date? {
        guard let settings = config.current.gateway.chat.telegram,
              let working = try? await ledger.chatTurnsInFlight(), !working.isEmpty,
              let token = try? settings.token.resolve(variables: environment.variables, root: town.root) else {
            last = [:]
            return nil
        }
        let api = TelegramBotAPI(http: environment.http, apiBase: settings.apiBase, token: token)
        let now = environment.clock.now()
        for chat in Set(working.map(\.chatId)) where (last[chat].map { now.timeIntervalSince($0) >= Self.typingInterval } ?? true) {
            last[chat] = now
            // Only a hint: a failed call is not worth a retry or a log line above debug.
            do { try await api.chatAction(chatId: chat) } catch { logger.debug("chat: typing in \(chat): \(error)") }
        }
        return now.addingTimeInterval(Self.typingInterval)
    }
}
