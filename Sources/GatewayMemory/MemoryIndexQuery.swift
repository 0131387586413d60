import Foundation
import GRDBSQLite

/// A search's one read of the index on a plain SQLite connection: `MemoryIndex.searchSQL` and the
/// recorded scan fingerprint, in one transaction. `gw memory search` is a process of its own each time,
/// and in a fresh process GRDB's set-up of a connection (its queue, functions, authorizer, migration
/// check through its generic statement API) cost about as much as the freshness check it runs beside;
/// this read costs SQLite's own work only. Anything it does not expect — no file, an index whose schema
/// is not the current one, a busy or damaged file — answers nil, and the caller takes the usual path
/// through `MemoryIndex`, which creates, migrates or reports it.
enum MemoryIndexQuery {
    struct Row {
        var path: String
        var line: Int
        var text: String
        var score: Double
    }

    static func run(file: URL, expression: String, limit: Int) -> (rows: [Row], fingerprint: Int64?)? {
        var connection: OpaquePointer?
        // Read-write without create: a missing index is the usual path's to make. WAL readers need to
        // write the shared-memory file, so read-only is not enough.
        guard sqlite3_open_v2(file.path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let connection else {
            sqlite3_close(connection)
            return nil
        }
        defer { sqlite3_close(connection) }
        sqlite3_busy_timeout(connection, 30_000)
        guard execute("BEGIN", connection) else { return nil }
        defer { _ = execute("COMMIT", connection) }
        // Every migration the index would run is recorded: the schema is the one the query expects.
        let expected = Set(MemoryIndex.migrator.migrations)
        var applied = Set<String>()
        guard query("SELECT identifier FROM grdb_migrations", connection, { applied.insert(text($0, 0)) }),
              applied.isSuperset(of: expected) else { return nil }
        var rows: [Row] = []
        let searched = query(MemoryIndex.searchSQL, connection, bind: { statement in
            sqlite3_bind_text(statement, 1, expression, -1, transient) == SQLITE_OK
                && sqlite3_bind_int64(statement, 2, Int64(limit)) == SQLITE_OK
        }) { statement in
            rows.append(Row(path: text(statement, 0), line: Int(sqlite3_column_int64(statement, 1)),
                            text: text(statement, 2), score: sqlite3_column_double(statement, 3)))
        }
        var fingerprint: Int64?
        guard searched, query("SELECT fingerprint FROM scan", connection, { fingerprint = sqlite3_column_int64($0, 0) }) else { return nil }
        return (rows, fingerprint)
    }

    /// SQLite copies a bound string at once (SQLITE_TRANSIENT, which the C macro spells as -1).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func execute(_ sql: String, _ connection: OpaquePointer) -> Bool {
        sqlite3_exec(connection, sql, nil, nil, nil) == SQLITE_OK
    }

    /// Runs `sql`, calling `row` for each result row; false on any error.
    private static func query(_ sql: String, _ connection: OpaquePointer, bind: (OpaquePointer) -> Bool = { _ in true },
                              _ row: (OpaquePointer) -> Void) -> Bool {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return false }
        defer { sqlite3_finalize(statement) }
        guard bind(statement) else { return false }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: row(statement)
            case SQLITE_DONE: return true
            default: return false
            }
        }
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }
}
