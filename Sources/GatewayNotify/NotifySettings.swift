import Foundation
import GatewayCore

/// `[notify]` and its `[notify.targets.NAME]` tables: where notifications go and how hard to try.
public struct NotifySettings: Sendable, Equatable {
    /// Targets by name.
    public var targets: [String: NotifyTarget] = [:]
    /// Attempts (not counting rate-limit answers) before a notification is marked failed.
    public var maxAttempts: Int = 8
    /// The first retry delay; each later one doubles, up to `maxBackoff`.
    public var backoff: ConfigDuration = .seconds(5)
    public var maxBackoff: ConfigDuration = .minutes(10)

    public init() {}

    package init(_ table: TableReader) {
        maxAttempts = table.integer("max_attempts", default: maxAttempts, range: 1...100)
        backoff = table.duration("backoff", default: backoff)
        maxBackoff = table.duration("max_backoff", default: maxBackoff)
        for (name, reader) in table.namedTables("targets") {
            if let target = NotifyTarget(name: name, reader) { targets[name] = target }
        }
        table.finish()
    }

    /// The target called `name`, or an error listing the ones that exist.
    @discardableResult
    public func requireTarget(_ name: String) throws -> NotifyTarget {
        if let target = targets[name] { return target }
        let known = targets.keys.sorted()
        let hint = known.isEmpty
            ? "no targets are configured: add a [notify.targets.\(name)] table to gateway.toml (see docs/notifications.md)"
            : "known targets: \(known.joined(separator: ", "))"
        throw GatewayError("no notify target named \"\(name)\": \(hint)", exit: .usage)
    }
}

/// One named destination.
public struct NotifyTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case telegram(TelegramSettings)
        case email(EmailSettings)
        case desktop
        case webhook(WebhookSettings)
        case console
    }

    public var name: String
    public var kind: Kind
    /// How long one network call (or one curl run) may take.
    public var timeout: ConfigDuration

    public var kindName: String {
        switch kind {
        case .telegram: "telegram"
        case .email: "email"
        case .desktop: "desktop"
        case .webhook: "webhook"
        case .console: "console"
        }
    }

    /// Every secret this target needs, for `gw config check` and delivery.
    public var secrets: [SecretReference] {
        switch kind {
        case .telegram(let settings): [settings.token]
        case .email(let settings): settings.password.map { [$0] } ?? []
        case .webhook(let settings): settings.headers.map(\.value)
        case .desktop, .console: []
        }
    }

    public init(name: String, kind: Kind, timeout: ConfigDuration = .seconds(10)) {
        self.name = name
        self.kind = kind
        self.timeout = timeout
    }

    init?(name: String, _ table: TableReader) {
        self.name = name
        timeout = table.duration("timeout", default: .seconds(10))
        guard table.contains("kind") else {
            table.problem(nil, "needs a kind: write kind = \"telegram\", \"email\", \"desktop\", \"webhook\" or \"console\"")
            return nil
        }
        let choice = table.choice("kind", ["telegram", "email", "desktop", "webhook", "console"], default: "")
        let parsed: Kind?
        switch choice {
        case "telegram": parsed = TelegramSettings(table).map(Kind.telegram)
        case "email": parsed = EmailSettings(table).map(Kind.email)
        case "webhook": parsed = WebhookSettings(table).map(Kind.webhook)
        case "desktop": parsed = .desktop
        case "console": parsed = .console
        default: parsed = nil
        }
        table.finish()
        guard let parsed else { return nil }
        kind = parsed
    }
}

public struct TelegramSettings: Sendable, Equatable {
    public var chatID: String
    public var token: SecretReference
    public var apiBase: String

    public init(chatID: String, token: SecretReference, apiBase: String = "https://api.telegram.org") {
        self.chatID = chatID
        self.token = token
        self.apiBase = apiBase
    }

    init?(_ table: TableReader) {
        var chat: String?
        switch table.node("chat_id") {
        case .string(let text) where !text.isEmpty: chat = text
        case .integer(let number): chat = String(number)
        case nil: table.problem("chat_id", "is required: the chat's id, like chat_id = 123456789 (ask @userinfobot, or read getUpdates)")
        case let other?: table.problem("chat_id", "expected an integer or a string like \"-100123456\" or \"@channel\", found \(other.typeName)")
        }
        let token = SecretReference.read(table, "token")
        apiBase = table.httpURL("api_base", default: "https://api.telegram.org")
        guard let chat, let token else { return nil }
        chatID = chat
        self.token = token
    }
}

public struct EmailSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable { case starttls, implicit, none }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: SecretReference?
    /// "auto" lets curl choose; "plain" or "login" forces that SASL mechanism.
    public var auth: String
    public var from: String
    public var to: [String]
    /// A CA certificate (PEM) to trust for a server with a private certificate; nil trusts the system's.
    public var caFile: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: SecretReference? = nil,
                auth: String = "auto", from: String, to: [String], caFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.auth = auth
        self.from = from
        self.to = to
        self.caFile = caFile
    }

    init?(_ table: TableReader) {
        let host = table.string("host", default: "")
        if host.isEmpty { table.problem("host", "is required: the SMTP server, like host = \"smtp.example.com\"") }
        security = Security(rawValue: table.choice("tls", ["starttls", "implicit", "none"], default: "starttls")) ?? .starttls
        let defaultPort = switch security { case .starttls: 587; case .implicit: 465; case .none: 25 }
        port = table.integer("port", default: defaultPort, range: 1...65535)
        username = table.string("username")
        auth = table.choice("auth", ["auto", "plain", "login"], default: "auto")
        if username != nil {
            password = SecretReference.read(table, "password")
        } else if table.contains("password_env") || table.contains("password_file") {
            table.problem("username", "is required when a password is given: write username = \"you@example.com\"")
            SecretReference.markRead(table, "password")
        } else {
            SecretReference.refuseInline(table, "password")
        }
        from = table.string("from", default: "")
        if !from.contains("@") { table.problem("from", "is required: the sender address, like from = \"gateway@example.com\"") }
        caFile = table.string("ca_file")
        if caFile != nil, security == .none {
            table.problem("ca_file", "only applies with tls = \"starttls\" or \"implicit\"")
        }
        to = table.stringArray("to")
        if to.isEmpty || to.contains(where: { !$0.contains("@") }) {
            table.problem("to", "is required: a list of addresses, like to = [\"you@example.com\"]")
        }
        guard !host.isEmpty, from.contains("@"), !to.isEmpty, username == nil || password != nil else { return nil }
        self.host = host
    }
}

public struct WebhookSettings: Sendable, Equatable {
    public var url: String
    /// Header name → the secret holding its value.
    public var headers: [String: SecretReference]

    public init(url: String, headers: [String: SecretReference] = [:]) {
        self.url = url
        self.headers = headers
    }

    init?(_ table: TableReader) {
        url = table.string("url", default: "")
        let valid = URL(string: url)?.scheme.map { ["http", "https"].contains($0) } == true
        if !valid { table.problem("url", "is required: an http(s) URL, like url = \"https://ntfy.sh/my-topic\"") }
        headers = [:]
        if let inner = table.table("headers_env") {
            for name in inner.keys {
                if let variable = inner.string(name), !variable.isEmpty {
                    headers[name] = SecretReference(key: inner.name(name), source: .environment(variable), line: inner.line(name))
                }
            }
            inner.finish()
        }
        if table.contains("headers") {
            table.problem("headers", "header values may hold secrets, so they come from the environment: write headers_env = { Authorization = \"WEBHOOK_AUTH\" }")
        }
        SecretReference.markRead(table, "headers")
        guard valid else { return nil }
    }
}
