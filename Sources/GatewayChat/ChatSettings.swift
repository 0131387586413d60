import Foundation
import GatewayCore

/// `[chat]`: who may talk to the Mayor, and through which bot. Only Telegram for now.
public struct ChatSettings: Sendable, Equatable {
    public var telegram: TelegramChatSettings?

    public init(telegram: TelegramChatSettings? = nil) {
        self.telegram = telegram
    }

    public init(_ table: TableReader) {
        if let inner = table.table("telegram") { telegram = TelegramChatSettings(inner) }
        table.finish()
    }

    /// The secrets it names, for the checks that keep them out of agents' environments.
    public var secrets: [SecretReference] { telegram.map { [$0.token] } ?? [] }
}

/// Who may reach the Mayor from Telegram when their id is not listed (see `ChatAccess`).
public enum ChatPolicy: String, Sendable, Equatable, CaseIterable {
    /// An unknown sender gets a one-time code; the owner lets them in with `gw chat pair CODE`.
    case pairing
    /// Only the ids in `allow` and those added with `gw chat allow`.
    case allowlist
    /// Nobody: the bot is not polled.
    case disabled
}

/// `[chat.telegram]`.
public struct TelegramChatSettings: Sendable, Equatable {
    public var token: SecretReference
    public var apiBase: String
    public var policy: ChatPolicy
    /// User ids gateway.toml allows; Gateway never rewrites the file, so these are read-only to it.
    public var allow: [Int64]
    /// Where `allow` is written (for the message that says which line to edit).
    public var allowLocation: String?
    /// Group chats whose messages count (only those that mention the bot or reply to it); none by default.
    public var groups: [Int64]
    /// An unanswered permission request is denied after this.
    public var permissionTimeout: ConfigDuration
    /// A photo, document or voice message up to this size is saved into the Mayor's hook; a larger one
    /// is not downloaded, and its sender is told the limit.
    public var maxAttachment: ConfigByteSize

    /// 20 MB: the most a bot may download through Telegram's `getFile`.
    public static let defaultMaxAttachment = ConfigByteSize.megabytes(20)
    /// A local Bot API server lets a bot download up to 2000 MB; nothing larger can arrive.
    static let attachmentRange = ConfigByteSize(bytes: 1)...ConfigByteSize.megabytes(2000)

    public init(token: SecretReference, apiBase: String = "https://api.telegram.org", policy: ChatPolicy = .pairing,
                allow: [Int64] = [], allowLocation: String? = nil, groups: [Int64] = [],
                permissionTimeout: ConfigDuration = .seconds(600), maxAttachment: ConfigByteSize = defaultMaxAttachment) {
        self.token = token
        self.apiBase = apiBase
        self.policy = policy
        self.allow = allow
        self.allowLocation = allowLocation
        self.groups = groups
        self.permissionTimeout = permissionTimeout
        self.maxAttachment = maxAttachment
    }

    init?(_ table: TableReader) {
        let token = SecretReference.read(table, "token")
        apiBase = table.httpURL("api_base", default: "https://api.telegram.org")
        let choices = ChatPolicy.allCases.map(\.rawValue)
        policy = ChatPolicy(rawValue: table.choice("policy", choices, default: ChatPolicy.pairing.rawValue)) ?? .pairing
        allow = Self.ids(table, "allow", example: "allow = [123456789]")
        allowLocation = table.line("allow").map { "\(table.file):\($0)" }
        groups = Self.ids(table, "groups", example: "groups = [-1001234567890]")
        permissionTimeout = table.duration("permission_timeout", default: .seconds(600))
        maxAttachment = table.byteSize("max_attachment", default: Self.defaultMaxAttachment, range: Self.attachmentRange)
        table.finish()
        guard let token else { return nil }
        self.token = token
    }

    /// An array of Telegram ids: integers (a quoted number is taken too, as people paste them).
    static func ids(_ table: TableReader, _ key: String, example: String) -> [Int64] {
        guard let node = table.node(key) else { return [] }
        guard case .array(let items) = node else {
            table.problem(key, "expected an array of Telegram ids, like \(example)")
            return []
        }
        var ids: [Int64] = []
        for item in items {
            switch item {
            case .integer(let number): ids.append(Int64(number))
            case .string(let text) where Int64(text.trimmingCharacters(in: .whitespaces)) != nil:
                ids.append(Int64(text.trimmingCharacters(in: .whitespaces))!)
            default:
                table.problem(key, "\(item.typeName) is not a Telegram id: write numbers, like \(example)")
                return []
            }
        }
        return ids
    }
}
