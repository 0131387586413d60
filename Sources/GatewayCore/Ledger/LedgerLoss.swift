import Foundation
import GRDB

/// The errors that stop Gateway when its ledger is gone or damaged: what was found, what is at stake,
/// and the command that restores it. Every command that opens the ledger stops with one of these.
enum LedgerLoss {
    static func emptied(_ files: LedgerFiles, missing: Bool) -> GatewayError {
        let what = missing ? "is missing" : "is empty"
        let since = files.markerCreated.map { " (it was created \($0))" } ?? ""
        return GatewayError("""
            the ledger \(files.ledger.path) \(what), but this town had one\(since): Gateway will not start over \
            with an empty ledger, which would drop pending notifications, the Mayor's session (its conversation) and \
            the heartbeat's marks — restore it from its latest backup with `gw doctor --repair`
            """)
    }

    static func unreadable(_ files: LedgerFiles, _ error: DatabaseError) -> GatewayError {
        let reason = error.message ?? error.description
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return GatewayError("""
                the ledger \(files.ledger.path) is damaged (\(reason)): restore it from its latest backup with \
                `gw doctor --repair` (the damaged file is kept beside it)
                """)
        default:
            return GatewayError("the ledger \(files.ledger.path) could not be opened: \(reason) — `gw doctor` checks the town and names the fix")
        }
    }
}
