import Foundation

/// The files around a ledger: the marker that records it exists, and its backups.
///
/// How Gateway knows a ledger "existed": SQLite happily opens a missing or 0-byte file as a new, empty
/// database, so the ledger cannot vouch for itself. The marker (`ledger.sqlite.marker`, beside it in
/// `.gateway/`) is written the first time a ledger opens complete and never removed by Gateway; a
/// backup in `backups/` counts as the same proof for a town whose marker was lost. A missing or empty
/// ledger with either present is a loss, never a fresh start. Neither present means a new town
/// (`gw install`, or a town from before the marker), which creates the ledger as always.
public struct LedgerFiles: Sendable, Equatable {
    public let ledger: URL

    public init(ledger: URL) { self.ledger = ledger }

    public var directory: URL { ledger.deletingLastPathComponent() }
    public var marker: URL { directory.appendingPathComponent("\(ledger.lastPathComponent).marker") }
    public var backupsDirectory: URL { directory.appendingPathComponent("backups") }
    /// SQLite's companions: moved and restored together with the ledger, never left behind.
    public var companions: [URL] { ["-wal", "-shm", "-journal"].map { URL(fileURLWithPath: ledger.path + $0) } }

    /// The ledger's size in bytes, nil when it is missing.
    public var ledgerSize: Int? {
        FileSystem.size(ledger)
    }

    /// True when a ledger was here before: the marker, or any backup.
    public var ledgerExisted: Bool {
        FileSystem.exists(marker) || !LedgerBackups(files: self).list().isEmpty
    }

    /// When the marker says the ledger was created, for the error that reports its loss.
    public var markerCreated: String? {
        guard let text = try? String(contentsOf: marker, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("created ") }.map { String($0.dropFirst("created ".count)) }
    }

    func writeMarker(created: String) throws {
        let text = """
            created \(created)
            This file records that \(ledger.lastPathComponent) exists. While it is here, Gateway refuses to start over
            with a missing or empty ledger (pending notifications, the Mayor's conversation and the heartbeat's
            marks would be lost in silence); `gw doctor --repair` restores the ledger from its latest backup.

            """
        try FileSystem.writeAtomically(text, to: marker, permissions: 0o600)
    }
}
