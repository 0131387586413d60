import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// A ledger that existed and is now empty, missing or damaged stops every command with the fix; it is
/// never recreated in silence.
@Suite struct LedgerLossTests {
    @Test func aNewTownCreatesItsLedgerAndMarker() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        let files = LedgerFiles(ledger: town.ledgerFile)
        #expect((files.ledgerSize ?? 0) > 0)
        #expect(FileSystem.exists(files.marker))
        #expect(files.markerCreated != nil)
    }

    @Test func aTruncatedLedgerStopsEveryCommandAndIsNotRecreated() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        try fixture.truncateLedger()
        for arguments in [["status"], ["notify", "outbox"], ["status", "--json"]] {
            let result = try await runProduct("gw", arguments + ["--town", fixture.town.root.path])
            #expect(result.status == 1, "\(arguments): \(result.stdout)")
            #expect(result.stderr.contains("is empty, but this town had one"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("`gw doctor --repair`"), "\(arguments): \(result.stderr)")
        }
        let doctor = try await runProduct("gw", ["doctor", "--town", fixture.town.root.path])
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("problem  ledger: the ledger \(fixture.town.ledgerFile.path) is empty"), "\(doctor.stdout)")
        #expect(fixture.ledgerFiles.ledgerSize == 0, "the empty ledger was recreated")
        // Library callers are refused the same way.
        #expect(throws: GatewayError.self) { try Ledger(file: fixture.town.ledgerFile) }
        #expect(fixture.ledgerFiles.ledgerSize == 0)
    }

    @Test func aDeletedLedgerIsRefusedToo() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        try FileManager.default.removeItem(at: fixture.town.ledgerFile)
        let result = try await runProduct("gw", ["status", "--town", fixture.town.root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is missing, but this town had one"), "\(result.stderr)")
        #expect(!FileSystem.exists(fixture.town.ledgerFile))
    }

    @Test func anEmptyDatabaseInItsPlaceIsRefused() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        try FileManager.default.removeItem(at: fixture.town.ledgerFile)
        try await shell("sqlite3 ledger.sqlite 'CREATE TABLE other(x); DROP TABLE other;' || python3 -c \"import sqlite3; c=sqlite3.connect('ledger.sqlite'); c.execute('CREATE TABLE other(x)'); c.execute('DROP TABLE other'); c.commit()\"",
                        in: fixture.town.runtimeDirectory)
        let result = try await runProduct("gw", ["notify", "outbox", "--town", fixture.town.root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is empty, but this town had one"), "\(result.stderr)")
    }

    @Test func aDamagedHeaderNamesTheRepair() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        try fixture.damageLedgerHeader()
        let size = fixture.ledgerFiles.ledgerSize
        for arguments in [["status"], ["notify", "outbox"]] {
            let result = try await runProduct("gw", arguments + ["--town", fixture.town.root.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("is damaged"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("`gw doctor --repair`"), "\(arguments): \(result.stderr)")
        }
        #expect(fixture.ledgerFiles.ledgerSize == size)
    }

    @Test func aBackupAloneProvesALedgerExisted() async throws {
        let fixture = try await TestTown.withLedgerToLose()
        _ = try await fixture.backUpLedger()
        try FileManager.default.removeItem(at: fixture.ledgerFiles.marker)
        try fixture.truncateLedger()
        #expect(throws: GatewayError.self) { try Ledger(file: fixture.town.ledgerFile) }
    }
}
