import Foundation
import Logging
import ServiceLifecycle
import GatewayCore

/// The daemon's ledger backups: one when it starts, then one every hour, the newest 48 kept in
/// `.gateway/backups/` (owner-only). What `gw doctor --repair` restores from; what happened after the
/// newest backup is rebuilt from the hooks' history where it can be, and reported where it cannot.
public struct LedgerBackupService: Service {
    let town: Town
    let environment: GatewayEnvironment
    let interval: TimeInterval

    public init(town: Town, environment: GatewayEnvironment, interval: TimeInterval = LedgerBackups.interval) {
        self.town = town
        self.environment = environment
        self.interval = interval
    }

    public func run() async throws {
        while !DaemonPause.shuttingDown {
            let next = await step()
            guard await DaemonPause.sleep(next.timeIntervalSince(environment.clock.now()), on: environment.clock) else { break }
        }
    }

    /// Takes a backup and returns when the next one is due. A failed backup is logged and tried again
    /// sooner: the daemon goes on, since the ledger itself is fine.
    func step() async -> Date {
        let now = environment.clock.now()
        do {
            let backup = try await LedgerBackups(files: LedgerFiles(ledger: town.ledgerFile)).take(from: try environment.ledger(town), now: now)
            environment.logger.debug("ledger backed up to \(backup.file.path)")
            return now.addingTimeInterval(interval)
        } catch {
            environment.logger.error("the ledger backup failed: \(error.userMessage); trying again in 5 minutes")
            return now.addingTimeInterval(min(interval, 300))
        }
    }
}
