import Foundation
import LoopbackHTTP

/// A loopback server that answers like Telegram's Bot API `sendMessage`, and misbehaves on demand:
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

        public init(token: String, chatID: String, text: String, parseMode: String?, accepted: Bool) {
            self.token = token
            self.chatID = chatID
            self.text = text
            self.parseMode = parseMode
            self.accepted = accepted
        }
    }

    private let lock = NSLock()
    private var script: [Behaviour]
    private let chooser: Chooser?
    private var received: [Received] = []
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

    /// Waits (up to `timeout`) until a request hit a `.hang` behaviour.
    public func waitForHang(timeout: TimeInterval = 180) async -> Bool {
        let arrived = hangArrived
        return await onOwnThread { arrived.wait(timeout: .now() + timeout) == .success }
    }

    public func release() { hangGate.signal() }

    public func stop() {
        for _ in 0..<4 { hangGate.signal() }
        server.stop()
    }

    private func handle(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let token = request.path.split(separator: "/").first.map { String($0.dropFirst(3)) } ?? ""
        let chat = (json["chat_id"] as? String) ?? (json["chat_id"] as? NSNumber)?.stringValue ?? ""
        let text = json["text"] as? String ?? ""
        let parseMode = json["parse_mode"] as? String
        let behaviour: Behaviour = lock.withLock {
            if let chooser { return chooser(text, received.count(where: { $0.text == text })) }
            return script.isEmpty ? .ok : script.removeFirst()
        }
        func record(_ accepted: Bool) {
            lock.withLock { received.append(Received(token: token, chatID: chat, text: text, parseMode: parseMode, accepted: accepted)) }
        }
        let ok = #"{"ok":true,"result":{"message_id":1}}"#
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
}

/// A bot token in Telegram's shape, for tests: output, logs and the ledger must never show it.
public let fakeToken = "987654:SECRET-bot-token-value"
