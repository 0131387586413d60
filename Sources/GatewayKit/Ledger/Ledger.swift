import Foundation
import GRDB

/// The ledger: operational state (turns, runs, convoys, outbox, schedule marks) in one SQLite file in
/// WAL mode, so the daemon and short-lived `gw` commands read and write it at the same time.
/// One actor owns it; callers use verbs named for their purpose, never SQL.
public actor Ledger {
    nonisolated let database: DatabasePool
    public nonisolated let file: URL

    /// Opens the ledger, creating it only when none existed (see `LedgerFiles`): a missing, empty or
    /// damaged ledger where one existed is refused with the command that restores it, never replaced.
    public init(file: URL) throws {
        try self.init(file: file, startingOver: false)
    }

    /// `startingOver` lets `gw doctor --repair` create a new ledger where one was lost, when no backup is left.
    init(file: URL, startingOver: Bool) throws {
        self.file = file
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
            database = try DatabasePool(path: file.path, configuration: configuration)
            // A file SQLite can read but that holds no ledger (replaced by an empty database) is a loss too:
            // migrating it would start over in silence.
            if existed, try database.read({ db in try !db.tableExists("ledger_info") }) {
                throw LedgerLoss.emptied(files, missing: false)
            }
            try LedgerSchema.migrator.migrate(database)
            let created = try database.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM ledger_info WHERE key = 'created'")
            }
            if !FileSystem.exists(files.marker) { try files.writeMarker(created: created ?? "unknown") }
        } catch let error as DatabaseError {
            throw LedgerLoss.unreadable(files, error)
        }
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
        try database.read { db in try LedgerSchema.migrator.appliedMigrations(db) }
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

/// Versioned migrations. Each feature adds its tables in a migration of its own; applied ones never change.
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.create(table: "ledger_info") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
            try db.execute(sql: "INSERT INTO ledger_info(key, value) VALUES ('created', ?)",
                           arguments: [ISO8601DateFormatter().string(from: Date())])
        }
        AgentSchema.register(&migrator)
        migrator.registerMigration(ConvoySchema.migrationName, migrate: ConvoySchema.migrate)
        migrator.registerMigration("v2-heartbeat-marks", migrate: Ledger.createHeartbeatTables)
        OutboxSchema.register(&migrator)
        HeartbeatRunSchema.register(&migrator)
        migrator.registerMigration(PolecatSchema.migrationName, migrate: PolecatSchema.migrate)
        migrator.registerMigration("v5-heartbeat-owed-tasks", migrate: Ledger.addOwedTasks)
        migrator.registerMigration("v6-turn-wire-text", migrate: AgentSchema.addWireText)
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
