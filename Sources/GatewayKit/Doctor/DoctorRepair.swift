import Foundation
import GatewayCore
import GatewayHooks
import GatewayMemory

/// `gw doctor --repair`: restores a lost or damaged ledger from its newest good backup, makes the
/// restore safe (no blind repeats), rebuilds what the files can rebuild, reports what was lost in the
/// gap, and gives Gateway's files back to their owner alone.
public struct DoctorRepair: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    /// Repairs what can be repaired; returns what it did, in order, each as a sentence.
    public func repair() async throws -> [String] {
        var done: [String] = []
        if await ledgerNeedsRestore() {
            // A running daemon keeps the old file open and would go on writing into the copy moved aside.
            if let pid = town.runningDaemonPID() {
                throw GatewayError("the daemon (pid \(pid)) is running: stop it with `gw daemon stop`, then run `gw doctor --repair` again")
            }
            done += try await restoreLedger()
        }
        done += fixModes()
        done += await removeStaleLocks()
        return done
    }

    /// Removes what `gw doctor` reports as stale: git lock files untouched far longer than any git
    /// holds one, and a daemon pid file naming a process that is gone.
    func removeStaleLocks() async -> [String] {
        var done: [String] = []
        for lock in await Doctor(environment: environment, town: town).staleGitLocks() {
            do {
                try FileManager.default.removeItem(at: lock.file)
                done.append("removed \(lock.file.path), left by a git process that is gone")
            } catch {
                done.append("could not remove \(lock.file.path): \(error.localizedDescription)")
            }
        }
        if let pid = DaemonPidFile.recordedPid(town), !DaemonPidFile.processExists(pid),
           (try? FileManager.default.removeItem(at: DaemonPidFile.url(town))) != nil {
            done.append("removed \(DaemonPidFile.url(town).path), which named pid \(pid), no longer running")
        }
        return done
    }

    func ledgerNeedsRestore() async -> Bool {
        guard let ledger = try? Ledger(file: town.ledgerFile) else { return true }
        return (try? await ledger.integrityCheck()) != ["ok"]
    }

    func restoreLedger() async throws -> [String] {
        let files = LedgerFiles(ledger: town.ledgerFile)
        let now = environment.clock.now()
        var done: [String] = []
        if let kept = try keepDamaged(files, now: now) { done.append("kept the damaged ledger as \(kept.path)") }
        let (chosen, skipped) = LedgerBackups(files: files).latestGood()
        done += skipped.map { "skipped a backup that cannot be restored: \($0)" }
        let config = try? town.loadConfig()
        let zone = config?.heartbeat.timeZone(system: .current) ?? .current
        let history = HookHistory(environment: environment, town: town)
        guard let backup = chosen else {
            let ledger = try Ledger(file: files.ledger, startingOver: true)
            done.append("no backup to restore from: started a new, empty ledger. Lost: notifications not yet delivered, turns, convoys, and the Mayor's session id (its next start begins a new conversation)")
            done += await raiseMarks(ledger, history.heartbeatRuns(after: .distantPast), zone: zone, since: nil)
            done += try reindexMemory(config)
            return done
        }
        try copyBackup(backup, to: files)
        let ledger = try Ledger(file: files.ledger)
        let taken = Doctor.stamp(backup.takenAt)
        done.append("restored the ledger from the backup of \(taken) (\(backup.file.lastPathComponent))")
        let held = try await ledger.holdUnfinishedNotifications(backupTakenAt: taken, now: now)
        if !held.isEmpty {
            done.append("held \(held.count) notification\(held.count == 1 ? "" : "s") not delivered at the backup as possible duplicates (\(held.map { "#\($0.id)" }.joined(separator: ", "))): each may have gone out since; send one again with `gw notify retry ID`")
        }
        let failed = try await ledger.failUnendedTurns(backupTakenAt: taken, now: now)
        if failed > 0 { done.append("failed \(failed) turn\(failed == 1 ? "" : "s") that had not ended at the backup, so none is sent twice") }
        if let session = try await ledger.agent(Hook.mayor)?.sessionId {
            done.append("the Mayor's session id is back (\(session)): its next start resumes that conversation")
        }
        done += await raiseMarks(ledger, history.heartbeatRuns(after: backup.takenAt), zone: zone, since: taken)
        done.append(await gapReport(history, since: backup.takenAt, taken: taken))
        done += try reindexMemory(config)
        return done
    }

    /// Moves the damaged ledger and its WAL aside (never deleted: what SQLite can still read of it may matter).
    func keepDamaged(_ files: LedgerFiles, now: Date) throws -> URL? {
        let suffix = ".damaged-\(UTCStamp.compact(now))"
        var kept: URL?
        for url in [files.ledger] + files.companions where FileSystem.exists(url) {
            let target = URL(fileURLWithPath: url.path + suffix)
            try FileManager.default.moveItem(at: url, to: target)
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
            if url == files.ledger { kept = target }
        }
        return kept
    }

    func copyBackup(_ backup: LedgerBackup, to files: LedgerFiles) throws {
        let partial = files.directory.appendingPathComponent(".\(files.ledger.lastPathComponent).restoring-\(getpid())")
        try? FileManager.default.removeItem(at: partial)
        try FileManager.default.copyItem(at: backup.file, to: partial)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial.path)
        if rename(partial.path, files.ledger.path) != 0 { throw FileSystem.writeError(files.ledger, errno) }
    }

    func raiseMarks(_ ledger: Ledger, _ runs: [(task: String, at: Date)], zone: TimeZone, since: String?) async -> [String] {
        do {
            let moved = try await ledger.raiseHeartbeatMarks(ran: runs, zone: zone)
            if moved.isEmpty {
                return since.map { ["heartbeat marks are the backup's: the Mayor's hook shows no heartbeat finding after \($0)"] } ?? []
            }
            return ["heartbeat marks moved forward to the findings the Mayor's hook shows\(since.map { " after \($0)" } ?? ""): \(moved.joined(separator: ", "))"]
        } catch {
            return ["heartbeat marks could not be rebuilt from the hooks' history: \(error.userMessage)"]
        }
    }

    /// What the restored ledger cannot know: everything it recorded between the backup and the loss.
    func gapReport(_ history: HookHistory, since date: Date, taken: String) async -> String {
        let counts = await history.commitCounts(after: date)
        let total = counts.reduce(0) { $0 + $1.commits }
        let hooks = counts.isEmpty ? "the hooks have no commit since" : "the hooks have \(total) commit\(total == 1 ? "" : "s") since (\(counts.map { "\($0.agent) \($0.commits)" }.joined(separator: ", "))) — see `gw hook log AGENT`"
        return "gap: beats, turns and notifications after \(taken) are not in the restored ledger; \(hooks)"
    }

    func reindexMemory(_ config: GatewayConfig?) throws -> [String] {
        guard let config, FileSystem.exists(town.mayorDirectory) else { return [] }
        let stats = try MemoryStore(environment: environment, town: town, config: config).reindex()
        return ["rebuilt the memory index from the Mayor's files (\(stats.files) files)"]
    }

    /// Gives `.gateway/`, the ledger, its backups and the daemon's log back to their owner alone.
    func fixModes() -> [String] {
        let files = LedgerFiles(ledger: town.ledgerFile)
        var folders = [town.runtimeDirectory]
        if FileSystem.exists(files.backupsDirectory) { folders.append(files.backupsDirectory) }
        let plain = [files.ledger, files.marker, DaemonLog.file(for: town)] + files.companions + LedgerBackups(files: files).list().map(\.file)
        var done: [String] = []
        for (urls, mode) in [(folders, 0o700), (plain, 0o600)] {
            for url in urls {
                guard let current = Doctor.mode(url), current & 0o077 != 0 else { continue }
                do {
                    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
                    done.append("\(url.path): mode \(String(current, radix: 8)) → \(String(mode, radix: 8))")
                } catch {
                    done.append("could not change the mode of \(url.path): \(error.localizedDescription)")
                }
            }
        }
        return done
    }
}
