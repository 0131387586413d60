import Foundation
import GRDB

/// One backup of the ledger: a complete SQLite file in `.gateway/backups/`, named for when it was taken.
public struct LedgerBackup: Sendable, Equatable, Codable {
    public var file: URL
    public var takenAt: Date
}

/// The ledger's backups. The daemon takes one when it starts and then every hour
/// (`LedgerBackupService`), keeping the newest `keep`, owner-only: a day of hours and more. Each is a
/// consistent copy made by SQLite's online backup while other processes keep writing.
public struct LedgerBackups: Sendable {
    public static let defaultKeep = 48
    public static let interval: TimeInterval = 3600

    public let files: LedgerFiles
    public var keep: Int

    public init(files: LedgerFiles, keep: Int = LedgerBackups.defaultKeep) {
        self.files = files
        self.keep = keep
    }

    /// Every backup, newest first.
    public func list() -> [LedgerBackup] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: files.backupsDirectory.path)) ?? []
        return names.compactMap { name -> LedgerBackup? in
            guard name.hasPrefix("ledger-"), name.hasSuffix(".sqlite"),
                  let date = UTCStamp.parseCompact(String(name.dropFirst("ledger-".count).dropLast(".sqlite".count)))
            else { return nil }
            return LedgerBackup(file: files.backupsDirectory.appendingPathComponent(name), takenAt: date)
        }.sorted { $0.takenAt > $1.takenAt }
    }

    /// Copies `ledger` into a new backup and removes the oldest beyond `keep`.
    @discardableResult
    public func take(from ledger: Ledger, now: Date) async throws -> LedgerBackup {
        let directory = files.backupsDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // The folder holds copies of everything the ledger holds: the owner's alone, even if made earlier.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let name = "ledger-\(UTCStamp.compact(now)).sqlite"
        let partial = directory.appendingPathComponent(".\(name).partial-\(getpid())")
        try? FileManager.default.removeItem(at: partial)
        // Created owner-only before SQLite writes into it, so no copy is ever readable by others.
        guard FileManager.default.createFile(atPath: partial.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw GatewayError("could not create a backup in \(directory.path): check that the folder is writable")
        }
        do {
            try await ledger.copy(to: partial)
            let final = directory.appendingPathComponent(name)
            // A rename: a reader (a restore) sees a whole backup or none.
            if rename(partial.path, final.path) != 0 { throw FileSystem.writeError(final, errno) }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        for old in list().dropFirst(max(keep, 1)) { try? FileManager.default.removeItem(at: old.file) }
        return LedgerBackup(file: directory.appendingPathComponent(name), takenAt: UTCStamp.parseCompact(UTCStamp.compact(now)) ?? now)
    }

    /// The newest backup that passes SQLite's integrity check and holds a ledger, with why each newer one was skipped.
    public func latestGood() -> (backup: LedgerBackup?, skipped: [String]) {
        var skipped: [String] = []
        for backup in list() {
            if let problem = Self.problem(in: backup.file) {
                skipped.append("\(backup.file.lastPathComponent): \(problem)")
                continue
            }
            return (backup, skipped)
        }
        return (nil, skipped)
    }

    /// Why a backup file cannot be restored, nil when it can.
    static func problem(in file: URL) -> String? {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: file.path, configuration: configuration)
            return try queue.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else { return "integrity check: \(check.prefix(3).joined(separator: "; "))" }
                guard try db.tableExists("ledger_info") else { return "holds no ledger" }
                return nil
            }
        } catch let error as DatabaseError {
            return error.message ?? error.description
        } catch {
            return "\(error)"
        }
    }
}
