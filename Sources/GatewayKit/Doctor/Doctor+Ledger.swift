import Foundation
import GatewayCore

/// The ledger and its backups.
extension Doctor {
    func ledgerFindings() async -> [DoctorFinding] {
        let files = LedgerFiles(ledger: town.ledgerFile)
        do {
            let ledger = try Ledger(file: town.ledgerFile)
            let check = try await ledger.integrityCheck()
            let migrations = try await ledger.appliedMigrations()
            guard check == ["ok"] else {
                return [DoctorFinding("ledger", .problem, "\(files.ledger.path) fails SQLite's integrity check: \(check.prefix(3).joined(separator: "; "))",
                                      fix: "`gw doctor --repair` restores it from its latest backup")]
            }
            return [.ok("ledger", "\(files.ledger.path): integrity ok, \(migrations.count) migrations applied")]
        } catch {
            return [DoctorFinding("ledger", .problem, error.userMessage, fix: "`gw doctor --repair` restores it from its latest backup")]
        }
    }

    func backupFindings() -> [DoctorFinding] {
        let backups = LedgerBackups(files: LedgerFiles(ledger: town.ledgerFile))
        let now = environment.clock.now()
        guard let newest = backups.list().first else {
            // A town that has never run its daemon has none yet; that is only worth a warning once the
            // ledger has held a day's work.
            let created = LedgerFiles(ledger: town.ledgerFile).markerCreated.flatMap { ISO8601DateFormatter().date(from: $0) }
            if let created, now.timeIntervalSince(created) > 86_400 {
                return [DoctorFinding("ledger backups", .warning, "no backup of the ledger yet: only the daemon takes them (at its start and hourly)",
                                      fix: "`gw daemon start`, or `gw daemon install` to keep it running")]
            }
            return [.ok("ledger backups", "none yet: the daemon takes one at its start and then hourly")]
        }
        let age = now.timeIntervalSince(newest.takenAt)
        let detail = "\(backups.list().count) in \(backups.files.backupsDirectory.path), newest \(Self.stamp(newest.takenAt)) (\(Self.duration(age)) ago)"
        if age > 2 * LedgerBackups.interval, town.runningDaemonPID() != nil {
            return [DoctorFinding("ledger backups", .warning, detail + ", although the daemon runs: its backups are failing",
                                  fix: "`gw daemon logs` says why (search for \"ledger backup\")")]
        }
        return [.ok("ledger backups", detail)]
    }

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int(max(0, seconds) / 60)
        if minutes < 1 { return "\(Int(max(0, seconds))) s" }
        if minutes < 120 { return "\(minutes) min" }
        if minutes < 48 * 60 { return "\(minutes / 60) h" }
        return "\(minutes / 1440) days"
    }
}
