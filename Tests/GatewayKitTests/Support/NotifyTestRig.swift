import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

/// A bare town folder (its gateway.toml and ledger, nothing installed) and an outbox worker over the
/// targets in `toml`, with everything the environment logs captured.
struct NotifyTestRig {
    let base: TestTown
    let ledger: Ledger
    let worker: OutboxWorker

    init(_ toml: String, variables: [String: String] = [:], limiter: RateLimiter = RateLimiter(overall: .zero, perKey: .zero)) async throws {
        base = try await TestTown(config: toml, variables: variables, installed: false)
        ledger = try base.ledger()
        worker = OutboxWorker(town: base.town, settings: try base.config.notify, ledger: ledger, environment: base.environment, limiter: limiter)
    }

    var town: Town { base.town }
    var directory: TemporaryDirectory { base.directory }
    var environment: GatewayEnvironment { base.environment }
    var output: CapturedOutput { base.output }
    var log: CapturedLog { base.capturedLog }

    func enqueue(_ source: String, target: String, title: String = "Gateway", text: String, priority: NotificationPriority = .normal) async throws -> OutboxEntry {
        try await ledger.enqueueNotification(
            NotificationRequest(source: source, target: target, title: title, text: text, priority: priority), now: Date()).entry
    }

    /// Delivers `ids` like `gw notify send` does, within `seconds`.
    func deliver(_ ids: [Int64], within seconds: TimeInterval = 60) async throws -> [OutboxEntry] {
        let lease = try #require(try await OutboxLease.acquire(OutboxLease.file(for: town), until: Date().addingTimeInterval(5), clock: SystemWallClock()))
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
