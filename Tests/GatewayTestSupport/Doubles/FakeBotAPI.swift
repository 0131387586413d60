import Foundation
import LoopbackHTTP

/// A loopback server that answers like Telegram's Bot API — `sendMessage`, and for the chat `getMe`,
/// `getUpdates` (a long poll from an offset, fed with `deliver`), `getFile` and file downloads (of
/// files registered with `registerFile`) — and misbehaves on demand:
/// each request takes the next scripted behaviour, then `.ok` once the script runs out — or, built with
/// `choose:`, whatever that function picks for the request's text. It also serves as a webhook receiver
/// (it records the JSON body's `text`).
public final class FakeBotAPI: @unchecked Sendable {
    /// Picks a request's behaviour from its text and how many earlier requests carried the same text.
    public typealias Chooser = @Sendable (_ text: String, _ earlier: Int) -> Behaviour

    public enum Behaviour: Sendable {
        case ok
        /// 429 with `parameters.retry_after`.
        case tooManyRequests(retryAfter: Int)
        case serverError(Int)
        /// Answers ok after `seconds`, too late for a short client timeout.
        case slow(seconds: Double)
        /// "can't parse entities" for HTML messages (plain text is accepted).
        case parseError
        /// Never answers until `release()`, then drops the connection. `accepting` says whether the
        /// server had taken the message (it counts as delivered) or died before processing it.
        case hang(accepting: Bool)
        /// Takes nothing and says nothing for `seconds` (longer than the client's timeout), then drops
        /// the connection: a timeout before the server recorded the message.
        case stall(seconds: Double)
        case unauthorized
    }

    public struct Received: Sendable, Equatable {
        public var token: String
        public var chatID: String
        public var text: String
        public var parseMode: String?
        /// False when the fake refused it (an error answer): only accepted messages were delivered.
        public var accepted: Bool
        /// `reply_parameters.message_id`: the message this one answers.
        public var replyTo: Int64?
        /// The inline buttons' callback data.
        public var buttons: [String]
        /// The id the fake gave the message.
        public var messageId: Int64

        public init(token: String, chatID: String, text: String, parseMode: String?, accepted: Bool, replyTo: Int64? = nil,
                    buttons: [String] = [], messageId: Int64 = 1) {
            self.token = token
            self.chatID = chatID
            self.text = text
            self.parseMode = parseMode
            self.accepted = accepted
            self.replyTo = replyTo
            self.buttons = buttons
            self.messageId = messageId
        }
    }

    /// A call about buttons: `answerCallbackQuery` or `editMessageReplyMarkup`, with its fields as text.
    public struct ButtonCall: Sendable, Equatable {
        public var method: String
        public var body: [String: String]
    }

    let lock = NSLock()
    private var script: [Behaviour]
    private let chooser: Chooser?
    private var received: [Received] = []
    private var actions: [(chat: String, action: String)] = []
    private var buttonCalls: [ButtonCall] = []
    /// Message ids handed out, from 1000 up so they never look like a test's own update ids.
    private var nextMessageId: Int64 = 999
    private let hangGate = DispatchSemaphore(value: 0)
    private let hangArrived = DispatchSemaphore(value: 0)
    public private(set) var server: LoopbackHTTPServer!

    public init(_ script: [Behaviour] = []) throws {
        self.script = script
        chooser = nil
        server = try LoopbackHTTPServer { [weak self] request, writer in self?.handle(request, writer) }
    }

    public init(choose: @escaping Chooser) throws {
        script = []
        chooser = choose
        server = try LoopbackHTTPServer { [weak self] request, writer in self?.handle(request, writer) }
    }

    public var baseURL: String { server.baseURL }

    public var all: [Received] { lock.withLock { received } }
    public var accepted: [Received] { all.filter(\.accepted) }
    /// `sendChatAction` calls (chat id, action), in order; they never take a scripted behaviour.
    public var chatActions: [(chat: String, action: String)] { lock.withLock { actions } }
    public var buttonsCalls: [ButtonCall] { lock.withLock { buttonCalls } }

    /// Waits (up to `timeout`) until a request hit a `.hang` behaviour.
    public func waitForHang(timeout: TimeInterval = 180) async -> Bool {
        let arrived = hangArrived
        return await onOwnThread { arrived.wait(timeout: .now() + timeout) == .success }
    }

    public func release() { hangGate.signal() }

    public func stop() {
        for _ in 0..<4 { hangGate.signal() }
        releaseDownloads()
        server.stop()
    }

    private func handle(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        if request.path.hasSuffix("/sendChatAction") {
            let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
            let chat = (json["chat_id"] as? NSNumber)?.stringValue ?? (json["chat_id"] as? String) ?? ""
            lock.withLock { actions.append((chat, json["action"] as? String ?? "")) }
            return writer.respond(status: 200, json: #"{"ok":true,"result":true}"#)
        }
        if request.path.hasPrefix("/file/") { return handleDownload(request, writer) }
        if request.path.hasSuffix("/getFile") { return handleGetFile(request, writer) }
        // Calls about buttons never take a scripted behaviour: they are recorded and answered.
        if let method = request.path.split(separator: "/").last, ["answerCallbackQuery", "editMessageReplyMarkup"].contains(method) {
            let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
            lock.withLock { buttonCalls.append(ButtonCall(method: String(method), body: json.mapValues { "\($0)" })) }
            return writer.respond(status: 200, json: #"{"ok":true,"result":true}"#)
        }
        if let method = request.path.split(separator: "/").last, ["getMe", "getUpdates"].contains(method) {
            return handleUpdates(String(method), request, writer)
        }
        let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let token = request.path.split(separator: "/").first.map { String($0.dropFirst(3)) } ?? ""
        let chat = (json["chat_id"] as? String) ?? (json["chat_id"] as? NSNumber)?.stringValue ?? ""
        let text = json["text"] as? String ?? ""
        let parseMode = json["parse_mode"] as? String
        let replyTo = ((json["reply_parameters"] as? [String: Any])?["message_id"] as? NSNumber)?.int64Value
        let buttons = (((json["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]]) ?? []).flatMap { $0 }
            .compactMap { $0["callback_data"] as? String }
        let behaviour: Behaviour = lock.withLock {
            if let chooser { return chooser(text, received.count(where: { $0.text == text })) }
            return script.isEmpty ? .ok : script.removeFirst()
        }
        let messageId = lock.withLock { () -> Int64 in
            nextMessageId += 1
            return nextMessageId
        }
        func record(_ accepted: Bool) {
            lock.withLock {
                received.append(Received(token: token, chatID: chat, text: text, parseMode: parseMode, accepted: accepted, replyTo: replyTo,
                                         buttons: buttons, messageId: messageId))
            }
        }
        let ok = #"{"ok":true,"result":{"message_id":\#(messageId)}}"#
        switch behaviour {
        case .ok:
            record(true)
            writer.respond(status: 200, json: ok)
        case .tooManyRequests(let after):
            record(false)
            writer.respond(status: 429, json: #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after \#(after)","parameters":{"retry_after":\#(after)}}"#)
        case .serverError(let status):
            record(false)
            writer.respond(status: status, json: #"{"ok":false,"error_code":\#(status),"description":"Internal Server Error"}"#)
        case .slow(let seconds):
            record(true)
            Thread.sleep(forTimeInterval: seconds)
            writer.respond(status: 200, json: ok)
        case .parseError where parseMode == "HTML":
            record(false)
            writer.respond(status: 400, json: #"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"}"#)
        case .parseError:
            record(true)
            writer.respond(status: 200, json: ok)
        case .hang(let accepting):
            record(accepting)
            hangArrived.signal()
            hangGate.wait()
            writer.abort()
        case .stall(let seconds):
            record(false)
            Thread.sleep(forTimeInterval: seconds)
            writer.abort()
        case .unauthorized:
            record(false)
            writer.respond(status: 401, json: #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#)
        }
    }

    // MARK: The updates side

    public static let botId: Int64 = 4242
    /// What a poll meets instead of an answer.
    public enum PollFault: Sendable, Equatable {
        case status(Int, description: String)
        /// Held and never answered: the client's timeout ends it.
        case hang
        /// The connection closed without an answer.
        case drop
        /// Answered 200 with exactly these bytes (an answer Foundation may not read as it stands).
        case body(Data)
    }

    var files: [String: (path: String, bytes: Data, declared: Int64)] = [:]
    var lookups: [String] = []
    var downloaded: [(token: String, path: String)] = []
    var failingDownloads = 0
    var holdingDownloads = false
    let downloadHeld = DispatchSemaphore(value: 0)
    let downloadGate = DispatchSemaphore(value: 0)

    private var pendingUpdates: [[String: Any]] = []
    private var waitingPolls: [(offset: Int64, writer: HTTPResponseWriter)] = []
    private var pollFaults: [PollFault] = []
    private var pollOffsets: [Int64] = []

    /// The offsets the polls asked from, in order.
    public var offsetsPolled: [Int64] { lock.withLock { pollOffsets } }

    /// Queues updates for the next poll that asks from their ids on (and answers a poll held now).
    public func deliver(_ updates: [[String: Any]]) {
        let held = lock.withLock { () -> [(offset: Int64, writer: HTTPResponseWriter)] in
            pendingUpdates += updates
            defer { waitingPolls.removeAll() }
            return waitingPolls
        }
        for poll in held { answerPoll(from: poll.offset, poll.writer) }
    }

    public func failNextPoll(_ fault: PollFault) { lock.withLock { pollFaults.append(fault) } }

    private func handleUpdates(_ method: String, _ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        guard method == "getUpdates" else {
            return writer.respond(status: 200, json: #"{"ok":true,"result":{"id":\#(Self.botId),"is_bot":true,"username":"GatewayTestBot"}}"#)
        }
        let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let offset = (json["offset"] as? NSNumber)?.int64Value ?? 0
        let (fault, ready) = lock.withLock { () -> (PollFault?, Bool) in
            pollOffsets.append(offset)
            if !pollFaults.isEmpty { return (pollFaults.removeFirst(), false) }
            // Telegram forgets what an offset confirms.
            pendingUpdates.removeAll { Self.updateId($0) < offset }
            if pendingUpdates.isEmpty { waitingPolls.append((offset, writer)) }
            return (nil, !pendingUpdates.isEmpty)
        }
        switch fault {
        case .status(let status, let description)?:
            let retry = status == 429 ? #","parameters":{"retry_after":1}"# : ""
            writer.respond(status: status, json: #"{"ok":false,"error_code":\#(status),"description":"\#(description)"\#(retry)}"#)
        case .hang?:
            break
        case .drop?:
            writer.abort()
        case .body(let data)?:
            writer.respond(status: 200, headers: ["Content-Type": "application/json"], body: data)
        case nil:
            if ready { answerPoll(from: offset, writer) }
        }
    }

    private func answerPoll(from offset: Int64, _ writer: HTTPResponseWriter) {
        let updates = lock.withLock { pendingUpdates.filter { Self.updateId($0) >= offset } }
        let data = (try? JSONSerialization.data(withJSONObject: ["ok": true, "result": updates])) ?? Data()
        writer.respond(status: 200, headers: ["Content-Type": "application/json"], body: data)
    }

    private static func updateId(_ update: [String: Any]) -> Int64 { (update["update_id"] as? NSNumber)?.int64Value ?? 0 }
}

// MARK: The files side

extension FakeBotAPI {
    /// Serves `bytes` for `getFile(id)` and its download; `declaredSize` is what getFile says (the
    /// true size unless given).
    public func registerFile(id: String, bytes: Data, declaredSize: Int64? = nil) {
        lock.withLock { files[id] = (path: "documents/file_\(files.count).bin", bytes: bytes, declared: declaredSize ?? Int64(bytes.count)) }
    }

    /// The file ids `getFile` was asked for, in order.
    public var fileLookups: [String] { lock.withLock { lookups } }
    /// The file paths downloaded (or tried), in order, with the token the URL carried.
    public var downloads: [(token: String, path: String)] { lock.withLock { downloaded } }

    /// The next `count` downloads answer 500.
    public func failDownloads(_ count: Int) { lock.withLock { failingDownloads += count } }

    /// From now on a download is held, its connection open and silent, until `releaseDownloads()`:
    /// a slow file server, on cue.
    public func holdDownloads() { lock.withLock { holdingDownloads = true } }

    /// Waits (up to `timeout`) until a download is being held.
    public func waitForHeldDownload(timeout: TimeInterval = 180) async -> Bool {
        let held = downloadHeld
        return await onOwnThread { held.wait(timeout: .now() + timeout) == .success }
    }

    /// Lets every held download (and any later one) finish.
    public func releaseDownloads() {
        let held = lock.withLock { () -> Bool in
            defer { holdingDownloads = false }
            return holdingDownloads
        }
        if held { for _ in 0..<16 { downloadGate.signal() } }
    }

    func handleGetFile(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let id = json["file_id"] as? String ?? ""
        let file = lock.withLock { () -> (path: String, bytes: Data, declared: Int64)? in
            lookups.append(id)
            return files[id]
        }
        guard let file else {
            return writer.respond(status: 400, json: #"{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}"#)
        }
        writer.respond(status: 200, json: #"{"ok":true,"result":{"file_id":"\#(id)","file_unique_id":"u\#(id)","file_size":\#(file.declared),"file_path":"\#(file.path)"}}"#)
    }

    func handleDownload(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        // /file/bot<token>/<file_path>
        let parts = request.path.split(separator: "/", maxSplits: 2).map(String.init)
        let token = parts.count > 1 ? String(parts[1].dropFirst(3)) : ""
        let path = parts.count > 2 ? parts[2] : ""
        let (fail, bytes) = lock.withLock { () -> (Bool, Data?) in
            downloaded.append((token, path))
            if failingDownloads > 0 {
                failingDownloads -= 1
                return (true, nil)
            }
            return (false, files.values.first { $0.path == path }?.bytes)
        }
        if fail { return writer.respond(status: 500, body: Data("Internal Server Error".utf8)) }
        if lock.withLock({ holdingDownloads }) {
            downloadHeld.signal()
            downloadGate.wait()
        }
        guard let bytes else { return writer.respond(status: 404, body: Data("Not Found".utf8)) }
        writer.respond(status: 200, headers: ["Content-Type": "application/octet-stream"], body: bytes)
    }
}

/// A bot token in Telegram's shape, for tests: output, logs and the ledger must never show it.
public let fakeToken = "987654:SECRET-bot-token-value"
