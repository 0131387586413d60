import Foundation
import GatewayKit
import LoopbackHTTP
import Logging
import GatewayCore
import GatewayNotify

/// 1,000 Telegram messages to 50 chats through the outbox worker, against a fake Bot API that enforces
/// Telegram's limits (30 a second overall, 1 a second per chat) by answering 429 with retry_after.
/// Reports the delivered rate next to the 30/s limit, and the duplicates the server saw (must be 0).
/// `GW_BENCH_QUICK=1` runs 200 messages to the same 50 chats (about 7 s).
struct NotifyBench: BenchSuite {
    let name = "notify"

    func run(_ reporter: BenchReporter) async throws {
        let quick = ProcessInfo.processInfo.environment["GW_BENCH_QUICK"] == "1"
        let chats = 50
        let messages = quick ? 200 : 1000
        let api = try LimitedBotAPI(overallPerSecond: 30)
        defer { api.server.stop() }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-notify-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }

        var toml = "[notify]\nbackoff = \"1s\"\n"
        for chat in 1...chats {
            toml += "[notify.targets.chat\(chat)]\nkind = \"telegram\"\nchat_id = \(chat)\ntoken_env = \"BENCH_TOKEN\"\napi_base = \"\(api.server.baseURL)\"\n"
        }
        let settings = try GatewayConfig.parse(toml).notify
        let town = Town(root: base)
        let ledger = try Ledger(file: town.ledgerFile)
        var logger = Logger(label: "gw-bench") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let environment = GatewayEnvironment(processes: LiveProcessRunner(), clock: SystemWallClock(), output: StandardOutput(),
                                             logger: logger, variables: ["BENCH_TOKEN": "1:bench"], workingDirectory: base, ledgers: .gateway(),
                                             http: CurlHTTPClient(processes: LiveProcessRunner()))
        var ids: [Int64] = []
        for index in 0..<messages {
            let request = NotificationRequest(source: "bench:\(index)", target: "chat\(index % chats + 1)", title: "Bench", text: "message \(index)")
            ids.append(try await ledger.enqueueNotification(request, now: Date()).entry.id)
        }
        let worker = OutboxWorker(town: town, settings: settings, ledger: ledger, environment: environment)
        guard let lease = try await OutboxLease.acquire(OutboxLease.file(for: town), until: Date().addingTimeInterval(5), clock: SystemWallClock()) else {
            throw GatewayError("bench: could not take the outbox lease")
        }
        defer { lease.release() }
        let started = Date()
        let final = try await worker.deliver(ids, until: Date().addingTimeInterval(600), lease: lease)
        let seconds = Date().timeIntervalSince(started)
        let delivered = final.filter { $0.state == .delivered }.count
        let stats = api.stats()
        reporter.report("notify.telegram_limit_overall", 30, "msg/s")
        reporter.report("notify.delivered_rate", Double(delivered) / seconds, "msg/s", baseline: "notify.telegram_limit_overall")
        reporter.report("notify.expected", Double(messages), "messages")
        reporter.report("notify.delivered", Double(delivered), "messages", baseline: "notify.expected")
        reporter.report("notify.wall_time", seconds, "s")
        reporter.report("notify.rate_limited_answers", Double(stats.refused), "429s")
        reporter.report("notify.duplicates", Double(stats.duplicates), "messages")
    }
}

/// A fake Bot API that accepts at most `overallPerSecond` messages in any second and one a second per
/// chat, answering 429 with retry_after otherwise, and counts what it accepted.
final class LimitedBotAPI: @unchecked Sendable {
    private let lock = NSLock()
    private var recent: [Double] = []
    private var lastByChat: [String: Double] = [:]
    private var seen: Set<String> = []
    private var duplicates = 0
    private var refused = 0
    let overallPerSecond: Int
    private(set) var server: LoopbackHTTPServer!

    init(overallPerSecond: Int) throws {
        self.overallPerSecond = overallPerSecond
        server = try LoopbackHTTPServer { [weak self] request, writer in self?.handle(request, writer) }
    }

    func stats() -> (refused: Int, duplicates: Int) { lock.withLock { (refused, duplicates) } }

    private func handle(_ request: HTTPRequest, _ writer: HTTPResponseWriter) {
        let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let chat = (json["chat_id"] as? String) ?? "?"
        let text = json["text"] as? String ?? ""
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let accepted: Bool = lock.withLock {
            recent.removeAll { now - $0 >= 1 }
            if recent.count >= overallPerSecond || now - (lastByChat[chat] ?? -10) < 1 {
                refused += 1
                return false
            }
            recent.append(now)
            lastByChat[chat] = now
            if !seen.insert("\(chat)|\(text)").inserted { duplicates += 1 }
            return true
        }
        if accepted {
            writer.respond(status: 200, json: #"{"ok":true,"result":{"message_id":1}}"#)
        } else {
            writer.respond(status: 429, json: #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#)
        }
    }
}
