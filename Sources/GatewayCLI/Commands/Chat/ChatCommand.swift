import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayChat

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Talk to the Mayor from Telegram: who may (pair, allow, revoke, list), the poller's health, and the messages.",
        subcommands: [ChatStatus.self, ChatPair.self, ChatAllow.self, ChatRevoke.self, ChatList.self, ChatLogCommand.self])
}

/// What every `gw chat` command needs: the town, its `[chat.telegram]` settings and its ledger.
struct ChatContext {
    let environment: GatewayEnvironment
    let town: Town
    let settings: TelegramChatSettings
    let access: ChatAccess
    let ledger: Ledger

    init(_ global: GlobalOptions) throws {
        environment = global.environment
        town = try global.locateTown(environment)
        guard let settings = try town.loadConfig().chat.telegram else {
            throw GatewayError("\(town.configFile.path) has no [chat.telegram] section: add one with token_env = \"TELEGRAM_BOT_TOKEN\" (and policy, allow), then run `gw config check`", exit: .config)
        }
        self.settings = settings
        ledger = try environment.ledger(town)
        access = ChatAccess(settings: settings, ledger: ledger)
    }
}

/// A Telegram user id on the command line: digits only (a group's id is negative; people are not).
struct TelegramUserID: ExpressibleByArgument {
    var value: Int64
    init?(argument: String) {
        guard let number = Int64(argument.trimmingCharacters(in: .whitespaces)), number > 0 else { return nil }
        value = number
    }
}

struct ChatPair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair", abstract: "Let in the sender the bot gave this one-time code.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The code the sender received from the bot.") var code: String

    func run() async throws {
        let context = try ChatContext(global)
        let paired = try await context.access.pair(code, at: context.environment.clock.now())
        context.environment.output.line("Paired Telegram user \(paired.userId): they may talk to the Mayor now. Undo with `gw chat revoke \(paired.userId)`.")
    }
}

struct ChatAllow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow", abstract: "Let a Telegram user id talk to the Mayor (kept in the ledger, not in gateway.toml).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The Telegram user id (a number).") var id: TelegramUserID

    func run() async throws {
        let context = try ChatContext(global)
        let added = try await context.access.allow(id.value, at: context.environment.clock.now())
        context.environment.output.line(added ? "Allowed Telegram user \(id.value)." : "Telegram user \(id.value) was allowed already.")
    }
}

struct ChatRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Stop a paired or allowed Telegram user from talking to the Mayor.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The Telegram user id (a number).") var id: TelegramUserID

    func run() async throws {
        let context = try ChatContext(global)
        try await context.access.revoke(id.value)
        // A running daemon drops at once what of theirs still waits to go on.
        DaemonDoorbell(town: context.town).ring(.chat)
        context.environment.output.line("Revoked Telegram user \(id.value): their messages no longer reach the Mayor.")
    }
}

struct ChatList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Who may talk to the Mayor, and the pairing codes still pending.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption

    struct Listing: Encodable {
        struct Sender: Encodable {
            var id: Int64
            /// gateway.toml, paired or allowed.
            var how: String
            var since: Date?
            var source: String?
        }
        struct Pending: Encodable {
            var code: String
            var id: Int64
            var expiresAt: Date
        }
        var policy: String
        var senders: [Sender]
        var pending: [Pending]
    }

    func run() async throws {
        let context = try ChatContext(global)
        let now = context.environment.clock.now()
        let configured = context.settings.allow.map { Listing.Sender(id: $0, how: "config", since: nil, source: context.settings.allowLocation) }
        let stored = try await context.ledger.chatSenders().filter { !context.settings.allow.contains($0.userId) }
            .map { Listing.Sender(id: $0.userId, how: $0.how.rawValue, since: $0.addedAt, source: nil) }
        let pending = try await context.ledger.pendingPairingCodes(at: now).map { Listing.Pending(code: $0.code, id: $0.userId, expiresAt: $0.expiresAt) }
        let listing = Listing(policy: context.settings.policy.rawValue, senders: configured + stored, pending: pending)
        if json.json { return context.environment.output.line(try JSONOutput.render(listing)) }
        let output = context.environment.output
        output.line("policy: \(listing.policy)")
        if listing.senders.isEmpty { output.line("nobody may talk to the Mayor yet: `gw chat allow ID`, or pair a sender with `gw chat pair CODE`") }
        for sender in listing.senders {
            let detail = sender.how == "config" ? "gateway.toml (\(sender.source ?? "allow"))" : "\(sender.how) \(sender.since.map(UTCStamp.iso8601) ?? "")"
            output.line("\(sender.id)  \(detail)")
        }
        for code in listing.pending {
            let minutes = max(1, Int(code.expiresAt.timeIntervalSince(now) / 60))
            output.line("pending: \(code.code) for user \(code.id), expires in \(minutes) min — `gw chat pair \(code.code)`")
        }
    }
}

struct ChatStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Whether the daemon polls the chat bot, and how its last polls went.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption

    struct Report: Encodable {
        var policy: String
        /// Where the token comes from (the variable's or file's name, never the token).
        var token: String
        var daemonRunning: Bool
        var polled: Bool
        var bots: [ChatPollHealth]
        var warnings: [String]
    }

    func run() async throws {
        let context = try ChatContext(global)
        let daemon = DaemonPidFile.runningPid(context.town)
        var warnings: [String] = []
        let token: String
        switch context.settings.token.source {
        case .environment(let name):
            token = "environment variable \(name)"
            // A daemon under systemd or launchd does not see the shell's variables.
            warnings.append("\(context.settings.token.key) names the environment variable \(name): a daemon started by `gw daemon install` (systemd or launchd) does not see your shell's variables; use token_file = \"PATH\" (a file only you can read) instead")
        case .file(let path):
            token = "file \(path)"
        }
        if let problem = context.settings.token.problem(variables: context.environment.variables, root: context.town.root, file: GatewayConfig.fileName) {
            warnings.append(problem.description)
        }
        let polled = daemon != nil && context.settings.policy != .disabled
        if daemon == nil { warnings.append("no daemon runs: nothing is polled, and messages wait at Telegram (for up to 24 hours) until `gw daemon start`") }
        let report = Report(policy: context.settings.policy.rawValue, token: token, daemonRunning: daemon != nil, polled: polled,
                            bots: try await context.ledger.chatPollHealth(), warnings: warnings)
        if json.json { return context.environment.output.line(try JSONOutput.render(report)) }
        let output = context.environment.output
        output.line("policy: \(report.policy); token from the \(token)")
        output.line(polled ? "polled by the daemon (pid \(daemon ?? 0))" : "not polled")
        for bot in report.bots {
            var line = "bot \(bot.botId): next offset \(bot.nextOffset)"
            if let ok = bot.lastOkAt { line += ", last good poll \(UTCStamp.iso8601(ok))" }
            if let error = bot.lastError, let at = bot.lastErrorAt, at >= (bot.lastOkAt ?? .distantPast) { line += "; failing since \(UTCStamp.iso8601(at)): \(error)" }
            output.line(line)
        }
        for warning in warnings { output.line("note: \(warning)") }
    }
}
