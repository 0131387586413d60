import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify

/// A town whose ledger holds what a loss would cost: a queued notification to a console target and the
/// Mayor's session id.
struct LedgerTestTown {
    static let sessionId = "5a1e5e55-0000-4000-8000-00000000c0de"

    let directory: TemporaryDirectory
    let town: Town
    let notificationId: Int64

    static func make() async throws -> LedgerTestTown {
        let directory = TemporaryDirectory("gw-ledger")
        let town = try await installTown(in: directory)
        try FileSystem.append("""

            [notify.targets.term]
            kind = "console"

            """, to: town.configFile)
        let id = try await Self.withLedger(town) { ledger in
            try await ledger.recordAgentStart("mayor", profile: "claude", sessionId: sessionId, at: Date(), note: nil)
            let request = NotificationRequest(source: "manual:before-loss", target: "term", title: "note", text: "kept across a loss")
            return try await ledger.enqueueNotification(request, now: Date()).entry.id
        }
        return LedgerTestTown(directory: directory, town: town, notificationId: id)
    }

    /// Runs `body` on an open ledger and closes it afterwards, so the file can be damaged with no
    /// connection (and no WAL) left over.
    static func withLedger<T>(_ town: Town, _ body: (Ledger) async throws -> T) async throws -> T {
        let ledger = try Ledger(file: town.ledgerFile)
        let value = try await body(ledger)
        try await ledger.close()
        return value
    }

    var files: LedgerFiles { LedgerFiles(ledger: town.ledgerFile) }

    /// Runs the Mayor on gw-agent-sim (the terminal double), so `gw doctor` finds its agent CLI.
    func useSimAgent() throws {
        let config = try String(contentsOf: town.configFile, encoding: .utf8)
        try config.replacingOccurrences(of: "# agent = \"claude\"", with: "agent = \"sim\"")
            .write(to: town.configFile, atomically: true, encoding: .utf8)
    }

    /// PATH with the package's products first (gw-agent-sim answers `--version`), and `extra`.
    static func variables(_ extra: [String: String] = [:]) throws -> [String: String] {
        let products = try builtProduct("gw-agent-sim").deletingLastPathComponent().path
        return ["PATH": "\(products):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"].merging(extra) { $1 }
    }

    func truncateLedger() throws {
        try FileHandle(forWritingTo: town.ledgerFile).truncate(atOffset: 0)
    }

    /// Overwrites the first 100 bytes, SQLite's header.
    func damageHeader() throws {
        let handle = try FileHandle(forWritingTo: town.ledgerFile)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 100))
        try handle.close()
    }

    func backUp(at date: Date = Date()) async throws -> LedgerBackup {
        try await Self.withLedger(town) { try await LedgerBackups(files: files).take(from: $0, now: date) }
    }
}
