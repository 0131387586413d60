import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
@testable import GatewayMemory
import GatewayTestSupport

/// `gw doctor --repair` after a loss: the ledger back from its backup, nothing repeated blindly, the gap reported.
@Suite struct DoctorRepairTests {
    /// A town backed up an hour ago, whose Mayor's hook then committed a heartbeat finding, and whose
    /// ledger was then truncated.
    func lostTown() async throws -> (TestTown, backup: LedgerBackup, findingAt: Date) {
        let fixture = try await TestTown.withLedgerToLose()
        try fixture.configure("[mayor]\nagent = \"sim\"")
        let backupTime = Date().addingTimeInterval(-3600)
        let beforeBackup = backupTime.addingTimeInterval(-3600)
        _ = try await fixture.withClosedLedger { ledger in
            try await ledger.raiseHeartbeatMarks(ran: [("News", beforeBackup)], zone: .current)
        }
        let backup = try await fixture.backUpLedger(at: backupTime)
        let (environment, _) = GatewayEnvironment.test(workingDirectory: fixture.town.root, clock: .live, processes: .live)
        _ = try await MemoryStore(environment: environment, town: fixture.town, config: try fixture.town.loadConfig())
            .append("a finding after the backup", section: "Heartbeat — News")
        let findingAt = try #require(Double(try await shell("git log -1 --format=%ct", in: fixture.town.mayorDirectory)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        try fixture.truncateLedger()
        return (fixture, backup, Date(timeIntervalSince1970: findingAt))
    }

    @Test func repairRestoresHoldsNotificationsKeepsTheSessionRaisesMarksAndReportsTheGap() async throws {
        let (fixture, backup, findingAt) = try await lostTown()
        let town = fixture.town
        let result = try await runProduct("gw", ["doctor", "--repair", "--town", town.root.path], environment: ["PATH": try productsFirstOnPath()])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("repaired: restored the ledger from the backup of \(Doctor.stamp(backup.takenAt))"), "\(out)")
        #expect(out.contains("kept the damaged ledger as \(town.ledgerFile.path).damaged-"))
        #expect(out.contains("held 1 notification not delivered at the backup as possible duplicates (#\(TestTown.lossNotificationId))"))
        #expect(out.contains("the Mayor's session id is back (\(TestTown.lossSessionId))"))
        #expect(out.contains("heartbeat marks moved forward to the findings the Mayor's hook shows after \(Doctor.stamp(backup.takenAt)): News"))
        // Two commits after the backup's (back-dated) time: the hook's first, made by install, and the finding.
        #expect(out.contains("gap: beats, turns and notifications after \(Doctor.stamp(backup.takenAt)) are not in the restored ledger; the hooks have 2 commits since (mayor 2)"), "\(out)")

        let ledger = try Ledger(file: town.ledgerFile)
        #expect(try await ledger.agent("mayor")?.sessionId == TestTown.lossSessionId)
        let entry = try #require(try await ledger.outboxEntry(TestTown.lossNotificationId))
        #expect(entry.state == .held)
        #expect(entry.interruptions == 1)
        let marks = try await ledger.loadHeartbeatMarks()
        #expect(marks.tasks["news"]?.lastRun == findingAt)
        #expect(marks.lastBeat == findingAt)
        #expect((try await runProduct("gw", ["status", "--town", town.root.path])).status == 0)

        // No worker sends a held row; `gw notify retry` does, as the possible duplicate it is.
        let (environment, output) = GatewayEnvironment.test(workingDirectory: town.root, clock: .live, processes: .live)
        let round = try await NotifyService(environment: environment, town: town, settings: try town.loadConfig().notify).deliverPending(timeout: 5)
        #expect(round == OutboxWorker.Round())
        #expect(try await ledger.outboxEntry(TestTown.lossNotificationId)?.state == .held)
        #expect(!output.stdout.contains("kept across a loss"))
        let listed = await gw(["notify", "outbox"], in: town.root)
        #expect(listed.stdout.contains("held"))
        #expect(listed.stdout.contains("possible duplicate"))
        #expect(listed.stdout.contains("retry with `gw notify retry \(TestTown.lossNotificationId)`"))
        let retried = await gw(["notify", "retry", "\(TestTown.lossNotificationId)"], in: town.root)
        #expect(retried.code == 0, "\(retried.stderr)")
        #expect(retried.stdout.contains("kept across a loss"))
        #expect(try await ledger.outboxEntry(TestTown.lossNotificationId)?.state == .delivered)
    }

    @Test func aDamagedHeaderIsRepairedTheSameWay() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        try fixture.configure("[mayor]\nagent = \"sim\"")
        _ = try await fixture.backUpLedger()
        try fixture.damageLedgerHeader()
        let result = await gw(["doctor", "--repair", "--json"], in: fixture.town.root, variables: ["PATH": try productsFirstOnPath()])
        #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
        let report = try JSONDecoder().decode(DoctorReport.self, from: Data(result.stdout.utf8))
        #expect(report.repairs.contains { $0.hasPrefix("restored the ledger from the backup of") })
        #expect(report.findings.first { $0.check == "ledger" }?.status == .ok)
        #expect(try await Ledger(file: fixture.town.ledgerFile).agent("mayor")?.sessionId == TestTown.lossSessionId)
    }

    @Test func marksNeverMoveBackBeforeTheBackup() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        let later = Date(timeIntervalSince1970: 1_900_000_000)
        let ledger = try Ledger(file: fixture.town.ledgerFile)
        _ = try await ledger.raiseHeartbeatMarks(ran: [("News", later)], zone: .current)
        #expect(try await ledger.raiseHeartbeatMarks(ran: [("News", later.addingTimeInterval(-60))], zone: .current) == [])
        #expect(try await ledger.loadHeartbeatMarks().tasks["news"]?.lastRun == later)
        #expect(try await ledger.loadHeartbeatMarks().lastBeat == later)
    }

    @Test func aTurnInFlightAtTheBackupIsFailedWithItsReason() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        let turn = try await fixture.withClosedLedger { try await $0.enqueueTurn(agent: "mayor", text: "hello", source: "manual", at: Date()) }
        _ = try await fixture.backUpLedger()
        try fixture.truncateLedger()
        try fixture.configure("[mayor]\nagent = \"sim\"")
        _ = try await DoctorRepair(environment: GatewayEnvironment.test(workingDirectory: fixture.town.root, clock: .live, processes: .live).0, town: fixture.town).repair()
        let restored = try #require(try await Ledger(file: fixture.town.ledgerFile).turn(turn))
        #expect(restored.state == .failed)
        #expect(restored.error?.contains("restored from the backup") == true)
    }
}

extension DoctorRepairTests {
    @Test func repairWaitsForARunningDaemonToStop() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        _ = try await fixture.backUpLedger()
        try fixture.truncateLedger()
        // This test process stands in for a daemon: its pid is alive.
        try FileSystem.writeAtomically("\(getpid())\n", to: DaemonPidFile.url(fixture.town))
        let result = await gw(["doctor", "--repair"], in: fixture.town.root)
        #expect(result.code == 1)
        #expect(result.stderr.contains("stop it with `gw daemon stop`, then run `gw doctor --repair` again"), "\(result.stderr)")
        #expect(fixture.ledgerFiles.ledgerSize == 0)
    }
}
