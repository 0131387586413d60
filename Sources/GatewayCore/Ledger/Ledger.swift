import Foundation
import GRDB

/// The ledger: operational state (turns, runs, convoys, outbox, schedule marks) in one SQLite file in
/// WAL mode, so the daemon and short-lived `gw` commands read and write it at the same time.
/// One actor owns it; callers use verbs named for their purpose, never SQL.
public actor Ledger {
    /// A pool (a writer and concurrent readers) for long-lived processes; one connection for a process
    /// that opens the ledger for a moment (a hook's `gw agent-event`), where the pool's set-up and the
    /// second connection its first read opens cost more than the work itself.
    package nonisolated let database: any DatabaseWriter
    public nonisolated let file: URL
    /// Every feature's migrations, in the order they were released (the app lists them: `LedgerSchema`).
    nonisolated let migrations: [LedgerMigration]

    /// Opens the ledger, creating it only when none existed (see `LedgerFiles`): a missing, empty or
    /// damaged ledger where one existed is refused with the command that restores it, never replaced.
    /// `startingOver` lets `gw doctor --repair` create a new ledger where one was lost, when no backup is left.
    /// `singleConnection`: one connection instead of a pool, for a process that does a few reads and
    /// writes and exits; a ledger it would create still gets the pool's set-up (WAL mode), which the
    /// file keeps for every later open.
    public init(file: URL, migrations: [LedgerMigration], startingOver: Bool = false, singleConnection: Bool = false) throws {
        self.file = file
        self.migrations = migrations
        let files = LedgerFiles(ledger: file)
        let existed = !startingOver && files.ledgerExisted
        if existed, (files.ledgerSize ?? 0) == 0 {
            throw LedgerLoss.emptied(files, missing: files.ledgerSize == nil)
        }
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            if files.ledgerSize == nil { try Self.createOwnerOnly(files) }
            var configuration = Configuration()
            // Several processes share this file: wait for a lock instead of failing at once.
            configuration.busyMode = .timeout(10)
            configuration.label = "gateway.ledger"
            if singleConnection, existed {
                database = try DatabaseQueue(path: file.path, configuration: configuration)
            } else {
                database = try DatabasePool(path: file.path, configuration: configuration)
            }
            // These checks read on the writer's connection, which the pool has just opened, outside any
            // transaction: a pool's `read` would open a second connection (its own files, its own parse of
            // the schema) that a short-lived command like a hook's `gw agent-event` never uses again.
            let migrator = Self.migrator(migrations)
            let names = ["v1-foundation"] + migrations.map(\.name)
            let (holdsLedger, upToDate) = try database.writeWithoutTransaction { db in
                if Self.holdsExactly(names, db) { return (true, true) }
                return (try db.tableExists("ledger_info"), try migrator.hasCompletedMigrations(db))
            }
            // A file SQLite can read but that holds no ledger (replaced by an empty database) is a loss too:
            // migrating it would start over in silence.
            if existed, !holdsLedger {
                throw LedgerLoss.emptied(files, missing: false)
            }
            // Checked with a read first: an up-to-date ledger (every open but the first after an upgrade)
            // then costs no write transaction, and a read-only command no fsync.
            if !upToDate { try migrator.migrate(database) }
            let created = try database.writeWithoutTransaction { db in
                try String.fetchOne(db, sql: "SELECT value FROM ledger_info WHERE key = 'created'")
            }
            if !FileSystem.exists(files.marker) { try files.writeMarker(created: created ?? "unknown") }
        } catch let error as DatabaseError {
            throw LedgerLoss.unreadable(files, error)
        }
    }

    /// Opens the ledger for a command that only reads (`gw status`) without writing a byte: a writable
    /// open makes sure a WAL file exists by committing an empty change, which costs fsyncs on every run
    /// when no other process holds the ledger open. Anything short of a complete, up-to-date ledger —
    /// missing, damaged, needing a migration or its marker — takes the usual open, with its checks and errors.
    public static func openForReading(file: URL, migrations: [LedgerMigration]) throws -> Ledger {
        if let ledger = try? Ledger(readingOnly: file, migrations: migrations) { return ledger }
        return try Ledger(file: file, migrations: migrations)
    }

    private init(readingOnly file: URL, migrations: [LedgerMigration]) throws {
        let files = LedgerFiles(ledger: file)
        guard (files.ledgerSize ?? 0) > 0, FileSystem.exists(files.marker) else { throw GatewayError("not ready for reading only") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "gateway.ledger"
        let database = try DatabasePool(path: file.path, configuration: configuration)
        let migrator = Self.migrator(migrations)
        guard try database.read({ db in try db.tableExists("ledger_info") && migrator.hasCompletedMigrations(db) }) else {
            throw GatewayError("not ready for reading only")
        }
        self.file = file
        self.migrations = migrations
        self.database = database
    }

    /// True when the file holds a ledger whose applied migrations are exactly `names` — the usual open,
    /// told by two plain queries. GRDB's own checks read the whole schema first, which costs a hook's
    /// short process more than its work; anything else (a new file, an upgrade, a ledger from a newer
    /// Gateway) is left to those checks.
    static func holdsExactly(_ names: [String], _ db: Database) -> Bool {
        guard (try? Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_info")) != nil,
              let applied = try? String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        else { return false }
        return applied.count == names.count && Set(applied) == Set(names)
    }

    /// A new ledger starts as an empty file only its owner can read (SQLite gives its WAL the same mode),
    /// in a folder only its owner can list: it holds every prompt, reply and notification.
    static func createOwnerOnly(_ files: LedgerFiles) throws {
        guard FileManager.default.createFile(atPath: files.ledger.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw GatewayError("could not create the ledger \(files.ledger.path): check that \(files.directory.path) is writable")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: files.directory.path)
    }

    /// The names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try database.read { db in try Self.migrator(migrations).appliedMigrations(db) }
    }

    /// Reads a key of the ledger's own bookkeeping.
    public func info(_ key: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM ledger_info WHERE key = ?", arguments: [key])
        }
    }

    public func setInfo(_ key: String, _ value: String) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO ledger_info(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }
}

/// One named change to the ledger's tables. Each feature declares its own; the app lists them all in
/// release order. An applied migration never changes: a later change is a new migration.
public struct LedgerMigration: Sendable {
    public let name: String
    let migrate: @Sendable (Database) throws -> Void

    public init(_ name: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}

extension Ledger {
    /// The ledger's own bookkeeping table, then every feature's migrations in order.
    static func migrator(_ migrations: [LedgerMigration]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.create(table: "ledger_info") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
            // The real clock, not the environment's: the file's birth date, shown beside the files' own
            // dates when it is lost (`LedgerLoss`), and read by nothing that schedules.
            try db.execute(sql: "INSERT INTO ledger_info(key, value) VALUES ('created', ?)",
                           arguments: [ISO8601DateFormatter().string(from: Date())])
        }
        for migration in migrations { migrator.registerMigration(migration.name, migrate: migration.migrate) }
        return migrator
    }
}

extension Ledger {
    /// A consistent copy of the whole ledger into `destination` (an empty file), made with SQLite's online
    /// backup while other connections keep reading and writing.
    func copy(to destination: URL) throws {
        let target = try DatabaseQueue(path: destination.path)
        try database.backup(to: target)
        try target.close()
    }
}

extension Ledger {
    /// Writes the WAL back into the file and closes every connection, for a caller that moves or
    /// replaces the file next: the file alone then holds the whole ledger. The ledger cannot be used afterwards.
    public func close() throws {
        _ = try database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try database.close()
    }
}

extension Ledger {
    /// SQLite's full integrity check: `["ok"]` when the file is sound, else the first problems found.
    public func integrityCheck() throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(20)") }
    }
}
