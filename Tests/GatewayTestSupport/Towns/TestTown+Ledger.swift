import Foundation
import GatewayCore
import GatewayKit
import GatewayNotify

extension TestTown {
    /// The Mayor's session id in `withLedgerToLose()`'s ledger.
    public static let lossSessionId = "5a1e5e55-0000-4000-8000-00000000c0de"
    /// The queued notification in `withLedgerToLose()`'s ledger: the ledger's first.
    public static let lossNotificationId: Int64 = 1

    /// A town whose ledger holds what a loss would cost: a queued notification to a console target
    /// `term` and the Mayor's session id. The ledger is closed again, so a test can damage the file.
    public static func withLedgerToLose(_ agent: Agent = .installed, variables: [String: String] = [:]) async throws -> TestTown {
        let town = try await TestTown(agent, config: "[notify.targets.term]\nkind = \"console\"", variables: variables)
        let id = try await town.withClosedLedger { ledger in
            try await ledger.recordAgentStart("mayor", profile: "claude", sessionId: lossSessionId, at: Date(), note: nil)
            let request = NotificationRequest(source: "manual:before-loss", target: "term", title: "note", text: "kept across a loss")
            return try await ledger.enqueueNotification(request, now: Date()).entry.id
        }
        guard id == lossNotificationId else { throw GatewayError("the loss's notification is #\(id), not #\(lossNotificationId)") }
        return town
    }

    public var ledgerFiles: LedgerFiles { LedgerFiles(ledger: town.ledgerFile) }

    public func truncateLedger() throws {
        try FileHandle(forWritingTo: town.ledgerFile).truncate(atOffset: 0)
    }

    /// Overwrites the ledger's first 100 bytes, SQLite's header.
    public func damageLedgerHeader() throws {
        let handle = try FileHandle(forWritingTo: town.ledgerFile)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 100))
        try handle.close()
    }

    /// Takes a ledger backup as the daemon would at `date`.
    public func backUpLedger(at date: Date = Date()) async throws -> LedgerBackup {
        try await withClosedLedger { try await LedgerBackups(files: ledgerFiles).take(from: $0, now: date) }
    }
}

/// PATH with the package's products first (gw-agent-sim answers `--version` for `gw doctor`).
public func productsFirstOnPath() throws -> String {
    "\(try builtProduct("gw-agent-sim").deletingLastPathComponent().path):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"
}
