import Foundation

/// Opens each town's ledger once per process, with every feature's migrations: one connection pool and
/// one migration check, shared by every caller. The environment carries it; the app makes it with the
/// whole schema (`LedgerSchema`), so a feature never needs to know the others' tables.
public final class LedgerAccess: @unchecked Sendable {
    private let migrations: [LedgerMigration]?
    /// Ledgers opened on one connection each (`Ledger.init(singleConnection:)`): for a process that lives
    /// a moment, such as a hook.
    private let singleConnection: Bool
    private let lock = NSLock()
    private var opened: [String: Ledger] = [:]

    public init(migrations: [LedgerMigration], singleConnection: Bool = false) {
        self.migrations = migrations
        self.singleConnection = singleConnection
    }

    private init() {
        migrations = nil
        singleConnection = false
    }

    /// For an environment that was never meant to touch a ledger: opening one fails, naming why.
    public static var unconfigured: LedgerAccess { LedgerAccess() }

    /// The ledger at `file`, opened on first use.
    public func ledger(file: URL) throws -> Ledger {
        guard let migrations else {
            throw GatewayError("this environment has no ledger access (GatewayEnvironment was built without `ledgers:`)")
        }
        lock.lock()
        defer { lock.unlock() }
        if let ledger = opened[file.path] { return ledger }
        let ledger = try Ledger(file: file, migrations: migrations, singleConnection: singleConnection)
        opened[file.path] = ledger
        return ledger
    }
}
