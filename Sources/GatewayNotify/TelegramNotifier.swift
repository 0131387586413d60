import Foundation
import GatewayCore

/// Sends to a Telegram chat through the Bot API's `sendMessage`, in HTML mode, one part at a time,
/// within the per-chat and global rate limits.
public struct TelegramNotifier: Notifier {
    /// How a row's text becomes messages.
    public enum Style: Sendable {
        /// A notification: its title in bold, its text as plain words.
        case notification
        /// The Mayor's answer in a chat: its Markdown rendered, the first part a reply to `entry.replyTo`.
        case chatReply
    }

    let settings: TelegramSettings
    let token: String
    let timeout: TimeInterval
    let limiter: RateLimiter
    let http: HTTPPoster
    let clock: any WallClock
    let style: Style

    public init(settings: TelegramSettings, token: String, timeout: TimeInterval, limiter: RateLimiter, http: HTTPPoster,
                clock: any WallClock, style: Style = .notification) {
        self.settings = settings
        self.token = token
        self.timeout = timeout
        self.limiter = limiter
        self.http = http
        self.clock = clock
        self.style = style
    }

    func parts(of entry: OutboxEntry) -> [TelegramFormat.Part] {
        switch style {
        case .notification:
            let title = entry.priority == .urgent ? "‼️ \(entry.title)" : entry.title
            return TelegramFormat.parts(title: title, text: entry.text)
        case .chatReply:
            return TelegramMarkdown.parts(entry.text)
        }
    }

    public func deliver(_ entry: OutboxEntry, partDone: @Sendable (Int) async throws -> Void) async throws(DeliveryFailure) {
        let parts = parts(of: entry)
        for index in entry.partsDone..<parts.count {
            try await send(parts[index], urgent: entry.priority == .urgent, replyTo: index == 0 ? entry.replyTo : nil)
            do {
                try await partDone(index + 1)
            } catch {
                throw .retry("the ledger could not record part \(index + 1): \(error.userMessage)")
            }
        }
    }

    /// One `sendMessage`, falling back to plain text when Telegram cannot parse the HTML.
    func send(_ part: TelegramFormat.Part, urgent: Bool, replyTo: Int64? = nil) async throws(DeliveryFailure) {
        do {
            try await call(text: part.html, html: true, urgent: urgent, replyTo: replyTo)
        } catch let failure where failure.message.localizedCaseInsensitiveContains("can't parse entities") {
            try await call(text: part.plain, html: false, urgent: urgent, replyTo: replyTo)
        }
    }

    private func call(text: String, html: Bool, urgent: Bool, replyTo: Int64?) async throws(DeliveryFailure) {
        await limiter.waitForSlot(key: settings.chatID, clock: clock)
        var body: [String: Any] = ["chat_id": settings.chatID, "text": text, "disable_web_page_preview": true,
                                   "disable_notification": false]
        if html { body["parse_mode"] = "HTML" }
        // A reply to a message since deleted still goes out, as a plain message.
        if let replyTo { body["reply_parameters"] = ["message_id": replyTo, "allow_sending_without_reply": true] }
        // The token is part of the URL by the Bot API's design: this URL never reaches a message.
        let url = "\(settings.apiBase.trimmingTrailingSlash())/bot\(token)/sendMessage"
        let response = try await http.postJSON(url, body: body, headers: [:], timeout: timeout, what: "Telegram")
        let answer = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        if response.status == 200, answer["ok"] as? Bool == true { return }
        let description = (answer["description"] as? String).map { ": \($0)" } ?? ""
        switch response.status {
        case 429:
            let parameters = answer["parameters"] as? [String: Any]
            let after = (parameters?["retry_after"] as? NSNumber)?.doubleValue ?? response.retryAfterHeader ?? 1
            await limiter.pause(key: settings.chatID, seconds: after, clock: clock)
            throw .rateLimited(after: after, "Telegram rate limit (429), retrying after \(Int(after.rounded(.up)))s")
        case 500...599:
            throw .retry("Telegram answered \(response.status)\(description)")
        case 401, 404:
            throw .permanent("Telegram refused the bot token (\(response.status)\(description)): check token_env/token_file; the token comes from @BotFather")
        default:
            throw .permanent("Telegram answered \(response.status)\(description)")
        }
    }
}

/// Spaces calls out so that at most one per `perKey` interval goes to a key (a chat) and one per
/// `overall` interval in total: Telegram's 1 message a second per chat and 30 a second per bot. The
/// limiter is shared by every notifier of a worker; each passes the clock it waits on. Slots are that
/// clock's dates, like the outbox's retry times.
public actor RateLimiter {
    let overall: TimeInterval
    let perKey: TimeInterval
    private var nextOverall = Date.distantPast
    private var nextByKey: [String: Date] = [:]

    public init(overall: Duration, perKey: Duration) {
        self.overall = overall.timeInterval
        self.perKey = perKey.timeInterval
    }

    /// Telegram's limits with a small margin, so that network jitter does not push a burst over.
    public static func telegram() -> RateLimiter {
        RateLimiter(overall: .milliseconds(35), perKey: .milliseconds(1050))
    }

    /// Reserves the next free slot for `key` and sleeps until it.
    public func waitForSlot(key: String, clock: any WallClock) async {
        let now = clock.now()
        let slot = max(now, nextOverall, nextByKey[key] ?? now)
        nextOverall = slot.addingTimeInterval(overall)
        nextByKey[key] = slot.addingTimeInterval(perKey)
        // Cancelled means the caller is stopping; the call that follows is bounded by its own timeout.
        if slot > now { try? await clock.sleep(until: slot) }
    }

    /// Holds `key` back for `seconds`, as a 429 answer asks.
    public func pause(key: String, seconds: TimeInterval, clock: any WallClock) {
        let until = clock.now().addingTimeInterval(seconds)
        nextByKey[key] = max(nextByKey[key] ?? until, until)
    }
}

extension String {
    func trimmingTrailingSlash() -> String {
        var copy = self
        while copy.hasSuffix("/") { copy.removeLast() }
        return copy
    }
}
