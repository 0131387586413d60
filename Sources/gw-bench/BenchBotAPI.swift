import Foundation
import LoopbackHTTP

/// The few Bot API calls a chat round needs, on loopback: `getMe`, a long `getUpdates` held until
/// `deliver` answers it, `sendMessage` (the time each reply arrived, by the message it answers) and
/// `sendChatAction`. The tests' fake lives in test support, which gw-bench does not link.
final class BenchBotAPI: @unchecked Sendable {
    static let botId: Int64 = 4242
    private let lock = NSLock()
    private var held: [HTTPResponseWriter] = []
    private var pending: [Data] = []
    private var replies: [Int64: Date] = [:]
    private(set) var server: LoopbackHTTPServer!

    init() throws {
        server = try LoopbackHTTPServer { [weak self] request, writer in self?.handle(request, writer) }
    }

    /// A poll is open: a message delivered now is answered at once, as Telegram does.
    var holdingPoll: Bool { lock.withLock { !held.isEmpty } }

    /// When the reply to message `id` was accepted, if it was.
    func replyTime(to id: Int64) -> Date? { lock.withLock { replies[id] } }

    /// A private message `id` from `user`, answering the poll held now (or the next one).
    func deliver(id: Int64, from user: Int64, text: String) {
        let update: [String: Any] = ["update_id": id, "message": ["message_id": id, "from": ["id": user, "is_bot": false, "first_name": "Bench"],
                                                                   "chat": ["id": user, "type": "private"], "date": Int(Date().timeIntervalSince1970), "text": text]]
        let body = (try? JSONSerialization.data(withJSONObject: ["ok": true, "result": [update]])) ?? Data()
        let writers = lock.withLock { () -> [HTTPResponseWriter] in
            defer { held.removeAll() }
            if held.isEmpty { pending.append(body) }
            return held
        }
        for writer in writers { writer.respond(status: 200, headers: ["Content-Type": "application/json"], body: body) }
    }

    private func handle(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        let method = request.path.split(separator: "/").last.map(String.init) ?? ""
        let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        switch method {
        case "getMe":
            writer.respond(status: 200, json: #"{"ok":true,"result":{"id":\#(Self.botId),"is_bot":true,"username":"GatewayBenchBot"}}"#)
        case "getUpdates":
            // Each round's update is answered once; a poll after it waits for the next.
            let ready = lock.withLock { () -> Data? in
                if !pending.isEmpty { return pending.removeFirst() }
                held.append(writer)
                return nil
            }
            if let ready { writer.respond(status: 200, headers: ["Content-Type": "application/json"], body: ready) }
        case "sendMessage":
            let now = Date()
            let replyTo = ((json["reply_parameters"] as? [String: Any])?["message_id"] as? NSNumber)?.int64Value
            if let replyTo { lock.withLock { replies[replyTo] = replies[replyTo] ?? now } }
            writer.respond(status: 200, json: #"{"ok":true,"result":{"message_id":1}}"#)
        default:
            writer.respond(status: 200, json: #"{"ok":true,"result":true}"#)
        }
    }
}
