import Foundation
import GatewayCore

/// The few Bot API methods the chat calls, as JSON POSTs through the environment's HTTP client. The
/// token is part of every URL by the API's design, so no URL ever reaches an error or a log: failures
/// name the method only.
public struct TelegramBotAPI: Sendable {
    let http: any HTTPClient
    let apiBase: String
    let token: String

    public init(http: any HTTPClient, apiBase: String, token: String) {
        self.http = http
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.token = token
    }

    /// The bot's numeric id: the part of the token before its colon (not secret; Telegram shows it).
    public static func botId(fromToken token: String) -> Int64? {
        token.split(separator: ":", maxSplits: 1).first.flatMap { Int64($0) }
    }

    /// `getMe`: the bot's id and username.
    public func me(timeout: TimeInterval = 30) async throws -> (id: Int64, username: String) {
        let result = try await call("getMe", [:], timeout: timeout)
        guard let object = result as? [String: Any], let id = TelegramUpdate.int(object["id"]), let username = object["username"] as? String else {
            throw TelegramAPIError.malformed("getMe gave no id and username")
        }
        return (id, username)
    }

    /// `getUpdates`: waits up to `wait` seconds on Telegram's side for updates from `offset` on. The HTTP
    /// call is given `wait` plus `margin`: a poll that outlives that is stalled, and is abandoned.
    public func updates(offset: Int64, wait: Int, margin: TimeInterval, botId: Int64) async throws -> [TelegramUpdate] {
        let body: [String: Any] = ["offset": offset, "timeout": wait, "allowed_updates": ["message", "callback_query"]]
        let data = try await post("getUpdates", body, timeout: TimeInterval(wait) + margin)
        return try TelegramUpdate.parse(data, botId: botId)
    }

    /// `sendMessage` in plain text; returns the new message's id.
    @discardableResult
    public func send(chatId: Int64, text: String, replyTo messageId: Int64? = nil, timeout: TimeInterval = 30) async throws -> Int64? {
        var body: [String: Any] = ["chat_id": chatId, "text": text, "disable_web_page_preview": true]
        if let messageId { body["reply_parameters"] = ["message_id": messageId, "allow_sending_without_reply": true] }
        let result = try await call("sendMessage", body, timeout: timeout)
        return TelegramUpdate.int((result as? [String: Any])?["message_id"])
    }

    /// `sendMessage` in HTML with inline buttons (label, callback data) in one row; returns the message id.
    public func send(chatId: Int64, html: String, buttons: [(label: String, data: String)], timeout: TimeInterval = 30) async throws -> Int64? {
        let keyboard = [buttons.map { ["text": $0.label, "callback_data": $0.data] }]
        let body: [String: Any] = ["chat_id": chatId, "text": html, "parse_mode": "HTML", "disable_web_page_preview": true,
                                   "reply_markup": ["inline_keyboard": keyboard]]
        let result = try await call("sendMessage", body, timeout: timeout)
        return TelegramUpdate.int((result as? [String: Any])?["message_id"])
    }

    /// `answerCallbackQuery`: stops the button's spinner, with a short note shown to whoever pressed it.
    public func answerCallback(_ id: String, text: String, timeout: TimeInterval = 10) async throws {
        _ = try await call("answerCallbackQuery", ["callback_query_id": id, "text": String(text.prefix(190))], timeout: timeout)
    }

    /// `editMessageReplyMarkup` with no keyboard: a message's buttons are gone once used.
    public func removeButtons(chatId: Int64, messageId: Int64, timeout: TimeInterval = 10) async throws {
        _ = try await call("editMessageReplyMarkup", ["chat_id": chatId, "message_id": messageId, "reply_markup": ["inline_keyboard": [[String: Any]]()]],
                           timeout: timeout)
    }

    /// `sendChatAction`: the chat shows "typing…" for about five seconds, or until the bot's next message.
    public func chatAction(chatId: Int64, action: String = "typing", timeout: TimeInterval = 10) async throws {
        _ = try await call("sendChatAction", ["chat_id": chatId, "action": action], timeout: timeout)
    }

    /// Calls `method` and returns its `result`, or throws what Telegram said.
    func call(_ method: String, _ body: [String: Any], timeout: TimeInterval) async throws -> Any {
        let data = try await post(method, body, timeout: timeout)
        guard let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TelegramAPIError.malformed("\(method) did not answer with a JSON object")
        }
        guard answer["ok"] as? Bool == true, let result = answer["result"] else {
            throw TelegramAPIError.refused(code: (answer["error_code"] as? NSNumber)?.intValue, description: answer["description"] as? String ?? "no description")
        }
        return result
    }

    func post(_ method: String, _ body: [String: Any], timeout: TimeInterval) async throws -> Data {
        guard let url = URL(string: "\(apiBase)/bot\(token)/\(method)") else {
            throw GatewayError("[chat.telegram] api_base \"\(apiBase)\" does not make a URL with the bot token")
        }
        let request = HTTPClientRequest(url: url, method: "POST", headers: ["Content-Type": "application/json"],
                                        body: try JSONSerialization.data(withJSONObject: body), timeout: timeout)
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch {
            // The client's error may carry the URL, which holds the token: say only what failed.
            throw TelegramTransportError(method: method)
        }
        // Telegram's errors come as JSON with their status (401, 409, 429, …); anything else is plain.
        if response.status != 200, (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] == nil {
            throw TelegramAPIError.refused(code: response.status, description: "HTTP \(response.status) from \(method)")
        }
        return response.body
    }
}

/// The call did not get an answer (no connection, a reset, a timeout). Names the method, never the URL.
public struct TelegramTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var method: String
    public var description: String { "Telegram's \(method) got no answer (no connection, a reset, or no reply in time)" }
}
