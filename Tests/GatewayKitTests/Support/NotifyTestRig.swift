import Foundation
import Logging
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify

/// Collects log lines, so tests can search them for secrets.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        log.append("\(event.level): \(event.message)")
    }
}

/// A town folder, its ledger and an outbox worker over the targets in `toml`.
struct NotifyTestRig {
    let directory = TemporaryDirectory("gw-notify")
    let town: Town
    let ledger: Ledger
    let worker: OutboxWorker
    let output: CapturedOutput
    let log = CapturedLog()
    let environment: GatewayEnvironment

    init(_ toml: String, variables: [String: String] = [:], limiter: RateLimiter = RateLimiter(overall: .zero, perKey: .zero)) throws {
        town = Town(root: directory.url)
        let settings = try GatewayConfig.parse(toml).notify
        var (environment, output) = GatewayEnvironment.test(workingDirectory: directory.url, variables: variables)
        let log = self.log
        environment.logger = Logger(label: "gw-test") { _ in CapturingLogHandler(log: log) }
        self.environment = environment
        self.output = output
        ledger = try Ledger(file: town.ledgerFile)
        worker = OutboxWorker(town: town, settings: settings, ledger: ledger, environment: environment, limiter: limiter)
    }

    func enqueue(_ source: String, target: String, title: String = "Gateway", text: String, priority: NotificationPriority = .normal) async throws -> OutboxEntry {
        try await ledger.enqueueNotification(
            NotificationRequest(source: source, target: target, title: title, text: text, priority: priority), now: Date()).entry
    }

    /// Delivers `ids` like `gw notify send` does, within `seconds`.
    func deliver(_ ids: [Int64], within seconds: TimeInterval = 60) async throws -> [OutboxEntry] {
        let lease = try #require(try await OutboxLease.acquire(OutboxLease.file(for: town), until: Date().addingTimeInterval(5)))
        defer { lease.release() }
        try await worker.recover(lease)
        return try await worker.deliver(ids, until: Date().addingTimeInterval(seconds), lease: lease)
    }
}

func telegramTOML(_ api: String, timeout: String = "5s", maxAttempts: Int = 5, backoff: String = "100ms") -> String {
    """
    [notify]
    max_attempts = \(maxAttempts)
    backoff = "\(backoff)"

    [notify.targets.phone]
    kind = "telegram"
    chat_id = 4242
    token_env = "TG_TOKEN"
    api_base = "\(api)"
    timeout = "\(timeout)"
    """
}

let fakeToken = "987654:SECRET-bot-token-value"
