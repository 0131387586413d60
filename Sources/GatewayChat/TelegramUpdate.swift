import Foundation

/// One entry of `getUpdates`, reduced to what the chat uses. Anything else Telegram sends (edited
/// messages, channel posts, member changes) is `other`: recorded by its id so the offset moves past it,
/// and otherwise ignored.
public struct TelegramUpdate: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case message
        /// A press on an inline button (Allow or Deny).
        case callback
        case other
    }

    public var updateId: Int64
    public var kind: Kind
    /// The sender; nil for updates without one (a channel post).
    public var userId: Int64?
    public var chatId: Int64?
    /// "private", "group", "supergroup" or "channel".
    public var chatType: String?
    public var messageId: Int64?
    /// The message's text or a caption; a callback's data.
    public var text: String?
    /// The callback query's id, to answer it.
    public var callbackId: String?
    /// The message this one replies to was the bot's.
    public var repliesToBot: Bool
    /// `@username` mentions in the message (lower-cased, without the `@`), and the bot a command names
    /// (`/status@GatewayBot`: in a group, that is how a command is meant for one bot).
    public var mentions: [String]
    /// A photo, document or voice message the message carries: its file id, kind and size in bytes.
    public var attachment: Attachment?

    public struct Attachment: Sendable, Equatable {
        public var fileId: String
        /// "photo", "document" or "voice".
        public var kind: String
        public var size: Int64?
        /// The sender's file name, for a document.
        public var fileName: String?
    }

    /// Reads a `getUpdates` answer: the updates, and the error Telegram gave when it is not `ok`.
    /// A batch with one message Foundation cannot read (invalid UTF-8, or half of a UTF-16 pair, which
    /// Telegram sends when it cuts a text mid-emoji) is read again repaired (`repaired`): refused, it
    /// would be asked for again and again, and every message after it would never arrive.
    public static func parse(_ body: Data, botId: Int64?) throws -> [TelegramUpdate] {
        guard let answer = ((try? JSONSerialization.jsonObject(with: body)) ?? repaired(body).flatMap { try? JSONSerialization.jsonObject(with: $0) })
                as? [String: Any] else {
            throw TelegramAPIError.malformed("the answer is not a JSON object")
        }
        guard answer["ok"] as? Bool == true else {
            throw TelegramAPIError.refused(code: (answer["error_code"] as? NSNumber)?.intValue, description: answer["description"] as? String ?? "no description")
        }
        guard let results = answer["result"] as? [Any] else { throw TelegramAPIError.malformed("the answer has no result list") }
        return results.compactMap { ($0 as? [String: Any]).flatMap { update(from: $0, botId: botId) } }
    }

    /// Nil only for an entry without an `update_id`, which cannot be acknowledged and is skipped.
    static func update(from object: [String: Any], botId: Int64?) -> TelegramUpdate? {
        guard let updateId = int(object["update_id"]) else { return nil }
        var update = TelegramUpdate(updateId: updateId, kind: .other, repliesToBot: false, mentions: [])
        if let message = object["message"] as? [String: Any] {
            update.kind = .message
            update.read(message: message, botId: botId)
        } else if let query = object["callback_query"] as? [String: Any] {
            update.kind = .callback
            update.callbackId = query["id"] as? String
            update.userId = int((query["from"] as? [String: Any])?["id"])
            update.text = query["data"] as? String
            if let message = query["message"] as? [String: Any] {
                update.messageId = int(message["message_id"])
                update.chatId = int((message["chat"] as? [String: Any])?["id"])
                update.chatType = (message["chat"] as? [String: Any])?["type"] as? String
            }
        }
        return update
    }

    mutating func read(message: [String: Any], botId: Int64?) {
        let from = message["from"] as? [String: Any]
        userId = Self.int(from?["id"])
        let chat = message["chat"] as? [String: Any]
        chatId = Self.int(chat?["id"])
        chatType = chat?["type"] as? String
        messageId = Self.int(message["message_id"])
        text = (message["text"] as? String) ?? (message["caption"] as? String)
        if let replied = message["reply_to_message"] as? [String: Any], let botId {
            repliesToBot = Self.int((replied["from"] as? [String: Any])?["id"]) == botId
        }
        let entities = (message["entities"] as? [[String: Any]]) ?? (message["caption_entities"] as? [[String: Any]]) ?? []
        if let text {
            let utf16 = Array(text.utf16)
            mentions = entities.compactMap { entity in
                guard let type = entity["type"] as? String, type == "mention" || type == "bot_command",
                      let offset = Self.int(entity["offset"]), let length = Self.int(entity["length"]),
                      offset >= 0, length > 1, offset + length <= Int64(utf16.count) else { return nil }
                let word = String(decoding: utf16[Int(offset) + 1..<Int(offset + length)], as: UTF16.self)
                guard type == "bot_command" else { return word.lowercased() }
                // `/command@bot`: the bot it names; a bare `/command` names none.
                let parts = word.split(separator: "@", maxSplits: 1)
                return parts.count == 2 ? parts[1].lowercased() : nil
            }
        }
        attachment = Self.attachment(in: message)
    }

    static func attachment(in message: [String: Any]) -> Attachment? {
        if let document = message["document"] as? [String: Any], let id = document["file_id"] as? String {
            return Attachment(fileId: id, kind: "document", size: int(document["file_size"]), fileName: document["file_name"] as? String)
        }
        if let voice = message["voice"] as? [String: Any], let id = voice["file_id"] as? String {
            return Attachment(fileId: id, kind: "voice", size: int(voice["file_size"]), fileName: nil)
        }
        // A photo comes in several sizes: the largest is the last.
        if let sizes = message["photo"] as? [[String: Any]], let largest = sizes.last, let id = largest["file_id"] as? String {
            return Attachment(fileId: id, kind: "photo", size: int(largest["file_size"]), fileName: nil)
        }
        return nil
    }

    /// `body` with every byte sequence that is not UTF-8 and every `\u` escape of an unpaired UTF-16
    /// surrogate replaced by U+FFFD; nil when there was nothing to repair. Escapes are read in order,
    /// so an escaped backslash followed by `ud83d` stays the literal text it is.
    static func repaired(_ body: Data) -> Data? {
        let text = String(decoding: body, as: UTF8.self)
        var changed = !text.utf8.elementsEqual(body)
        let units = Array(text.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        let backslash = UInt16(UInt8(ascii: "\\")), letterU = UInt16(UInt8(ascii: "u"))
        func hex(at index: Int) -> UInt16? {
            guard index + 6 <= units.count, units[index] == backslash, units[index + 1] == letterU else { return nil }
            return UInt16(String(decoding: units[index + 2..<index + 6], as: UTF16.self), radix: 16)
        }
        var index = 0
        while index < units.count {
            guard units[index] == backslash, index + 1 < units.count else {
                out.append(units[index])
                index += 1
                continue
            }
            guard let value = hex(at: index) else {
                // Any other escape (an escaped backslash among them) is copied whole.
                out.append(contentsOf: units[index...index + 1])
                index += 2
                continue
            }
            let isHigh = (0xD800...0xDBFF).contains(value), isLow = (0xDC00...0xDFFF).contains(value)
            if isHigh, let next = hex(at: index + 6), (0xDC00...0xDFFF).contains(next) {
                out.append(contentsOf: units[index..<index + 12])
                index += 12
            } else if isHigh || isLow {
                out.append(contentsOf: Array("\\ufffd".utf16))
                changed = true
                index += 6
            } else {
                out.append(contentsOf: units[index..<index + 6])
                index += 6
            }
        }
        return changed ? Data(String(decoding: out, as: UTF16.self).utf8) : nil
    }

    static func int(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return number.int64Value
    }
}

/// What went wrong talking to the Bot API, without the token (it is part of every URL).
public enum TelegramAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Telegram answered `ok: false`: 401/404 a bad token, 409 another poller on this token, 429 too many calls.
    case refused(code: Int?, description: String)
    case malformed(String)

    public var description: String {
        switch self {
        case .refused(let code, let description): "Telegram refused the call (\(code.map(String.init) ?? "no code")): \(description)"
        case .malformed(let what): "Telegram's answer could not be read: \(what)"
        }
    }
}
