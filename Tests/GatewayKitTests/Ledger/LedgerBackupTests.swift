import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The ledger's backups: consistent, owner-only, pruned, and taken by the daemon at start and hourly.
@Suite struct LedgerBackupTests {
    func mode(_ url: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func aBackupIsAWholeOwnerOnlyLedger() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        let backup = try await fixture.backUpLedger()
        #expect(try mode(backup.file) == 0o600)
        #expect(try mode(fixture.ledgerFiles.backupsDirectory) == 0o700)
        #expect(LedgerBackups.problem(in: backup.file) == nil)
        // The copy opens as a ledger holding what the original held.
        let copy = try Ledger(file: backup.file, startingOver: true)
        #expect(try await copy.agent("mayor")?.sessionId == TestTown.lossSessionId)
        #expect(try await copy.outboxEntry(TestTown.lossNotificationId)?.state == .pending)
    }

    @Test func onlyTheNewestAreKept() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ledger = try Ledger(file: fixture.town.ledgerFile)
        let backups = LedgerBackups(files: fixture.ledgerFiles, keep: 3)
        for hour in 0..<5 { try await backups.take(from: ledger, now: start.addingTimeInterval(Double(hour) * 3600)) }
        #expect(backups.list().map(\.takenAt) == [4, 3, 2].map { start.addingTimeInterval(Double($0) * 3600) })
    }

    @Test func theDaemonServiceBacksUpAtOnceThenHourly() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let (environment, _) = GatewayEnvironment.test(workingDirectory: fixture.town.root, clock: clock, processes: .live)
        let service = LedgerBackupService(town: fixture.town, environment: environment)
        let next = await service.step()
        #expect(next == clock.now().addingTimeInterval(3600))
        #expect(LedgerBackups(files: fixture.ledgerFiles).list().map(\.takenAt) == [clock.now()])
    }

    @Test func theDaemonStartsWithTheBackupService() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        let (environment, _) = GatewayEnvironment.test(workingDirectory: fixture.town.root)
        let log = try DaemonLog(url: fixture.directory.path("daemon.log"))
        let daemon = Daemon(town: fixture.town, config: try DaemonConfig(town: fixture.town), environment: environment, log: log)
        #expect(daemon.services(startedAt: Date()).first is LedgerBackupService)
    }
}
