import Foundation
import GRDB

/// The ledger: operational state (turns, runs, convoys, outbox, schedule marks) in one SQLite file in
/// WAL mode, so the daemon and short-lived `gw` commands read and write it at the same time.
/// One actor owns it; callers use verbs named for their purpose, never SQL.
public actor Ledger {
    nonisolated let database: DatabasePool
    public nonisolated let file: URL

    public init(file: URL) throws {
        self.file = file
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            // Several processes share this file: wait for a lock instead of failing at once.
            configuration.busyMode = .timeout(10)
            configuration.label = "gateway.ledger"
            database = try DatabasePool(path: file.path, configuration: configuration)
            try LedgerSchema.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw GatewayError("the ledger \(file.path) could not be opened: \(error.message ?? error.description)")
        }
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

    public func journalMode() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
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
