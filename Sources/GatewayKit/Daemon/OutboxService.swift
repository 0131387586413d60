import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayNotify
import GatewayChat

/// The daemon's notification service: holds the outbox lease for its life, recovers what a killed
/// worker left mid-delivery, then delivers whenever a row may be due — woken when one is queued (a poke
/// from `gw notify send` or a hook, or another service), and at the time the next retry is due. The
/// sweep (`[daemon] poll`) finds a row whose poke was lost.
public struct OutboxService: Service {
    let config: DaemonConfig
    let environment: GatewayEnvironment
    let wakeup: Wakeup

    /// `wakeup` rings when a notification is queued.
    public init(config: DaemonConfig, environment: GatewayEnvironment, wakeup: Wakeup) {
        self.config = config
        self.environment = environment
        self.wakeup = wakeup
    }

    var town: Town { config.town }
    var logger: Logger { environment.logger }
    var now: Date { environment.clock.now() }

    public func run() async throws {
        guard let lease = try await takeLease() else { return }
        defer { lease.release() }
        let ledger = try environment.ledger(town)
        // Kept for the daemon's life: Telegram's rate limits are counted across rounds.
        let limiter = RateLimiter.telegram()
        func worker() -> OutboxWorker {
            OutboxWorker(town: town, settings: config.current.gateway.notify, ledger: ledger, environment: environment, limiter: limiter,
                         routes: [ChatReplyRoute(settings: config.current.gateway.chat.telegram)])
        }
        try await worker().recover(lease)
        while true {
            let seen = wakeup.count
            var next: Date?
            do {
                let worker = worker()
                var moved = false
                if let due = try await worker.nextDue(), due <= now {
                    let round = try await worker.deliverDue(now: now, lease: lease)
                    moved = round != OutboxWorker.Round()
                    if moved {
                        logger.debug("outbox round: \(round.delivered.count) delivered, \(round.retrying.count) retrying, \(round.failed.count) failed")
                    }
                }
                // Due already: again at once after a round that moved rows, else (the ledger failing) in a second.
                next = try await worker.nextDue().map { $0 > now || moved ? $0 : now.addingTimeInterval(1) }
            } catch {
                logger.error("the outbox worker failed: \(error.userMessage); trying again")
                next = now.addingTimeInterval(1)
            }
            let sweep = now.addingTimeInterval(config.current.gateway.daemon.poll.seconds)
            guard await DaemonPause.wait(for: wakeup, after: seen, until: min(next ?? sweep, sweep), on: environment.clock) else { break }
        }
        logger.info("outbox worker stopped")
    }

    /// Waits for the lease (a `gw notify send` may hold it for a moment); nil on shutdown.
    func takeLease() async throws -> OutboxLease? {
        var warned = false
        while !DaemonPause.shuttingDown {
            if let lease = try await OutboxLease.acquire(OutboxLease.file(for: town), until: now.addingTimeInterval(1), clock: environment.clock) {
                return lease
            }
            if !warned {
                logger.warning("waiting for the outbox lock (\(OutboxLease.file(for: town).path)) another gw holds")
                warned = true
            }
        }
        return nil
    }
}
