import Foundation
import GatewayCore

/// Who may reach the Mayor from the chat. A sender is let in by gateway.toml's `allow`, by a pairing the
/// owner confirmed (`gw chat pair CODE`), or by `gw chat allow ID`; the last two live in the ledger.
/// Everyone else is a stranger: under `pairing` they are handed a one-time code (at most `maxPending`
/// pending at once, each valid for `codeLifetime`, told again at most every `replyEvery`), and nothing
/// they write goes further than this check — not into a prompt, a hook or a log beyond their id.
public struct ChatAccess: Sendable {
    public static let codeLifetime: TimeInterval = 3600
    public static let maxPending = 3
    public static let replyEvery: TimeInterval = 600
    /// No 0/O or 1/I/L: the code is read off a phone and typed into a terminal.
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    static let codeLength = 8

    let settings: TelegramChatSettings
    let ledger: Ledger

    public init(settings: TelegramChatSettings, ledger: Ledger) {
        self.settings = settings
        self.ledger = ledger
    }

    /// What to do with a message from `userId`.
    public enum Verdict: Sendable, Equatable {
        /// Let it through to the Mayor.
        case allowed
        /// A stranger under `pairing`: tell them this code (`reply` false: they were told it lately).
        case pairing(code: String, expiresAt: Date, reply: Bool)
        /// A stranger, and nothing is said back (`allowlist`, `disabled`, or the pending codes are full).
        case ignored(reason: String)
    }

    /// A stranger's name is never kept: their id is all Gateway records of them.
    public func verdict(userId: Int64, chatId: Int64, at date: Date) async throws -> Verdict {
        if settings.policy == .disabled { return .ignored(reason: "chat is disabled") }
        if try await isAllowed(userId) { return .allowed }
        guard settings.policy == .pairing else { return .ignored(reason: "not on the allow list") }
        guard let (code, reply) = try await ledger.pairingCode(
            for: userId, chatId: chatId, name: nil, at: date, lifetime: Self.codeLifetime,
            maxPending: Self.maxPending, replyEvery: Self.replyEvery, make: Self.makeCode) else {
            return .ignored(reason: "\(Self.maxPending) pairing codes are pending already")
        }
        return .pairing(code: code.code, expiresAt: code.expiresAt, reply: reply)
    }

    public func isAllowed(_ userId: Int64) async throws -> Bool {
        guard settings.policy != .disabled else { return false }
        if settings.allow.contains(userId) { return true }
        return try await ledger.chatSender(userId) != nil
    }

    /// `gw chat pair CODE`: the sender who was given it may talk to the Mayor from now on.
    public func pair(_ typed: String, at date: Date) async throws -> PairingCode {
        let code = Self.normalized(typed)
        guard !code.isEmpty else { throw GatewayError.usage("give the code the sender was sent, like `gw chat pair ABCD2345`") }
        guard let redeemed = try await ledger.redeemPairingCode(code, at: date) else {
            throw GatewayError("no pending pairing code \(code): it may have expired (codes last \(Int(Self.codeLifetime / 60)) minutes) or been used. See `gw chat list`; the sender gets a new code by writing to the bot again")
        }
        return redeemed
    }

    /// `gw chat allow ID`; false when they were allowed already.
    public func allow(_ userId: Int64, at date: Date) async throws -> Bool {
        if settings.allow.contains(userId) { return false }
        return try await ledger.addChatSender(userId, how: .allowed, name: nil, at: date)
    }

    /// `gw chat revoke ID`. An id gateway.toml lists can only be removed there: Gateway never edits it.
    public func revoke(_ userId: Int64) async throws {
        if settings.allow.contains(userId) {
            let place = settings.allowLocation ?? "gateway.toml, [chat.telegram] allow"
            throw GatewayError("\(userId) is allowed by gateway.toml (\(place)): remove it from `allow` there; Gateway never rewrites your config", exit: .config)
        }
        guard try await ledger.removeChatSender(userId) else {
            throw GatewayError("\(userId) is not allowed to talk to the Mayor: nothing to revoke (see `gw chat list`)")
        }
    }

    static func makeCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<codeLength).map { _ in codeAlphabet.randomElement(using: &generator)! })
    }

    /// What the owner typed, as a code: letters upper-cased, spaces and dashes dropped.
    static func normalized(_ typed: String) -> String {
        String(typed.uppercased().filter { $0 != " " && $0 != "-" && $0 != "\t" }.prefix(64))
    }
}
