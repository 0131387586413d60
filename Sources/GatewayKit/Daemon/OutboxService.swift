import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayNotify

/// The daemon's notification service: holds the outbox lease for its life, recovers what a killed
/// worker left mid-delivery, then delivers whenever a row is due — looking every `[daemon] poll`.
public struct OutboxService: Service {
    let town: Town
    let notify: NotifySettings
    let environment: GatewayEnvironment
    let settings: DaemonSettings

    public init(town: Town, notify: NotifySettings, environment: GatewayEnvironment, settings: DaemonSettings) {
        self.town = town
        self.notify = notify
        self.environment = environment
        self.settings = settings
    }

    var logger: Logger { environment.logger }

    public func run() async throws {
        guard let lease = try await takeLease() else { return }
        defer { lease.release() }
        let ledger = try Ledger(file: town.ledgerFile)
        let worker = OutboxWorker(town: town, settings: notify, ledger: ledger, environment: environment)
        try await worker.recover(lease)
        repeat {
            do {
                if let due = try await worker.nextDue(), due <= environment.clock.now() {
                    let round = try await worker.deliverDue(now: environment.clock.now(), lease: lease)
                    if round != OutboxWorker.Round() {
                        logger.debug("outbox round: \(round.delivered.count) delivered, \(round.retrying.count) retrying, \(round.failed.count) failed")
                    }
                }
            } catch {
                logger.error("the outbox worker failed: \(error.userMessage); trying again")
            }
        } while await DaemonPause.sleep(settings.poll.seconds)
        logger.info("outbox worker stopped")
    }

    /// Waits for the lease (a `gw notify send` may hold it for a moment); nil on shutdown.
    func takeLease() async throws -> OutboxLease? {
        var warned = false
        while !DaemonPause.shuttingDown {
            if let lease = try await OutboxLease.acquire(OutboxLease.file(for: town), until: Date().addingTimeInterval(settings.poll.seconds)) {
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
