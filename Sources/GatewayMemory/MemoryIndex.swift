import Foundation
import GRDB
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One search result.
public struct MemoryHit: Sendable, Equatable, Codable {
    public var file: String
    public var line: Int
    public var snippet: String
    /// BM25 relevance, higher is better.
    public var score: Double
}

public struct MemoryIndexStats: Sendable, Equatable, Codable {
    public var files: Int
    public var chunks: Int
    /// Files (re)indexed or dropped by this call.
    public var changed: Int
}

/// The memory search index: SQLite FTS5 in `.gateway/memory-index.sqlite`, a file of its own rather than
/// tables in the ledger because it is derived data — it can be deleted and rebuilt from the files at any
/// time, its schema can change by rebuilding instead of migrating, and a ten-year memory's index (tens of
/// megabytes) stays out of the ledger's WAL and backups. It follows the files: each refresh compares one
/// fingerprint of every file's mtime and size with the one recorded (`MemoryScan`), and when they differ,
/// each file's with what was indexed, rereading only the changed ones.
public struct MemoryIndex: Sendable {
    /// One connection, not a pool: a pool's first connection writes to the file on every open (GRDB
    /// makes sure a WAL exists), which costs a search its fsyncs. WAL mode still lets another process
    /// search while one writes.
    let database: DatabaseQueue
    public let file: URL

    public static func open(town: Town) throws -> MemoryIndex { try MemoryIndex(file: town.memoryIndexFile) }

    public init(file: URL) throws {
        self.file = file
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.label = "gateway.memory-index"
            configuration.prepareDatabase { db in
                // A no-op read once the file is in WAL mode. Derived data needs no fsync at all: with NORMAL,
                // each process that opened the index (every Stop's extraction) paid four — the new WAL, its
                // folder, and the checkpoint at close — tens of milliseconds on a busy disk before the turn
                // could end. Lost to a power cut, the last changes are redone by the next refresh (the scan
                // fingerprint rolls back with them); a damaged file says to delete it and reindex.
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = OFF")
            }
            database = try DatabaseQueue(path: file.path, configuration: configuration)
            // Checked with a read first: an up-to-date index then costs no write transaction.
            let migrator = Self.migrator
            if try !database.read(migrator.hasCompletedMigrations) { try migrator.migrate(database) }
        } catch let error as DatabaseError {
            throw GatewayError("the memory index \(file.path) could not be opened: \(error.message ?? error.description) — delete it and run `gw memory reindex`")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-memory-index") { db in
            try db.execute(sql: """
                CREATE TABLE files(path TEXT PRIMARY KEY, mtime REAL NOT NULL, size INTEGER NOT NULL,
                                   hash TEXT NOT NULL, indexed_at REAL NOT NULL);
                CREATE TABLE chunks(id INTEGER PRIMARY KEY, path TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL);
                CREATE INDEX chunks_by_path ON chunks(path);
                CREATE VIRTUAL TABLE chunk_fts USING fts5(words, bigrams, unigrams, tokenize = 'unicode61 remove_diacritics 2');
                """)
        }
        migrator.registerMigration("v2-scan-fingerprint") { db in
            // The `MemoryScan` fingerprint of the files when every row of `files` last matched them.
            try db.execute(sql: "CREATE TABLE scan(id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint INTEGER NOT NULL)")
        }
        return migrator
    }

    struct Stamp: Equatable {
        var mtime: Double
        var size: Int64
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(info)
    }

    struct Known {
        var stamp: Stamp
        var hash: String
        var indexedAt: Double
    }

    /// Brings the index up to date with the files (all of them, or only the paths given).
    @discardableResult
    public func refresh(root: URL, only: [String]? = nil) throws -> MemoryIndexStats {
        try stats(changed: catchUp(root: root, only: only))
    }

    /// Brings the index up to date; returns how many files it reindexed or dropped. When the files'
    /// fingerprint is the one recorded, nothing was touched since and no row is read.
    @discardableResult
    public func catchUp(root: URL, only: [String]? = nil) throws -> Int {
        let rootPath = root.path
        if let only {
            let entries = only.compactMap { path in Self.stamp("\(rootPath)/\(path)").map { MemoryScan.Entry(path: path, stamp: $0) } }
            return try update(root: root, entries, complete: false)
        }
        let recorded = try database.read { db in try Int64.fetchOne(db, sql: "SELECT fingerprint FROM scan") }
        if let recorded, recorded == Int64(bitPattern: MemoryScan.fingerprint(root: root)) { return 0 }
        let scan = MemoryScan.scan(root: root)
        return try update(root: root, scan.entries, complete: true, fingerprint: scan.fingerprint)
    }

    /// Rereads the files among `entries` whose stamps differ from what was indexed; with `complete`,
    /// `entries` are all the files there are, so rows for any other file are dropped.
    private func update(root: URL, _ entries: [MemoryScan.Entry], complete: Bool, fingerprint: UInt64? = nil) throws -> Int {
        let known = try database.read { db in
            var known: [String: Known] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, mtime, size, hash, indexed_at FROM files")
            while let row = try rows.next() {
                known[row[0]] = Known(stamp: Stamp(mtime: row[1], size: row[2]), hash: row[3], indexedAt: row[4])
            }
            return known
        }
        // The real clock, not the environment's: this is compared with the files' modification times,
        // which the kernel stamps from the real clock. A test's clock set ahead would make every later
        // edit look older than its indexing, and skip it.
        let now = Date().timeIntervalSince1970
        var changed: [(path: String, stamp: Stamp, hash: String, text: String?)] = []
        let rootPath = root.path
        for entry in entries {
            let (path, stamp) = (entry.path, entry.stamp)
            if let old = known[path], old.stamp == stamp, stamp.mtime < old.indexedAt - 1 { continue }
            // Changed stamp, or modified so close to the last indexing that a same-size edit within the
            // clock's resolution could hide: compare content.
            guard let data = FileManager.default.contents(atPath: "\(rootPath)/\(path)") else { continue }
            let hash = String(StableHash.fnv1a64(data), radix: 16)
            let text = known[path]?.hash == hash ? nil : String(decoding: data, as: UTF8.self)
            changed.append((path, stamp, hash, text))
        }
        let onDisk = Set(entries.map(\.path))
        let gone = complete ? known.keys.filter { !onDisk.contains($0) } : []
        // The fingerprint is kept only once every file is older than this indexing by more than the
        // clock's resolution, for the reason above: until then each search compares the rows again.
        let settled = entries.allSatisfy { $0.stamp.mtime < now - 1 } ? fingerprint : nil
        var reindexed = 0
        guard !changed.isEmpty || !gone.isEmpty || complete else { return 0 }
        try database.write { db in
            for path in gone { try Self.remove(path, db) }
            for entry in changed {
                if let text = entry.text {
                    try Self.remove(entry.path, db)
                    try Self.insert(entry.path, text, db)
                    reindexed += 1
                }
                try db.execute(sql: """
                    INSERT INTO files(path, mtime, size, hash, indexed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET mtime = excluded.mtime, size = excluded.size,
                        hash = excluded.hash, indexed_at = excluded.indexed_at
                    """, arguments: [entry.path, entry.stamp.mtime, entry.stamp.size, entry.hash, now])
            }
            if complete {
                try db.execute(sql: "DELETE FROM scan")
                if let settled {
                    try db.execute(sql: "INSERT INTO scan(id, fingerprint) VALUES (1, ?)", arguments: [Int64(bitPattern: settled)])
                }
            }
        }
        return reindexed + gone.count
    }

    /// Empties the index and indexes every file again.
    public func rebuild(root: URL) throws -> MemoryIndexStats {
        try database.write { db in
            try db.execute(sql: "DELETE FROM files; DELETE FROM chunks; DELETE FROM chunk_fts; DELETE FROM scan;")
        }
        return try refresh(root: root)
    }

    func stats(changed: Int) throws -> MemoryIndexStats {
        try database.read { db in
            MemoryIndexStats(files: try Int.fetchOne(db, sql: "SELECT count(*) FROM files") ?? 0,
                             chunks: try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0,
                             changed: changed)
        }
    }

    static func remove(_ path: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM chunk_fts WHERE rowid IN (SELECT id FROM chunks WHERE path = ?)", arguments: [path])
        try db.execute(sql: "DELETE FROM chunks WHERE path = ?", arguments: [path])
        try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [path])
    }

    static func insert(_ path: String, _ text: String, _ db: Database) throws {
        let chunkStatement = try db.cachedStatement(sql: "INSERT INTO chunks(path, line, text) VALUES (?, ?, ?)")
        let ftsStatement = try db.cachedStatement(sql: "INSERT INTO chunk_fts(rowid, words, bigrams, unigrams) VALUES (?, ?, ?, ?)")
        for chunk in MemoryChunker.chunks(text) {
            try chunkStatement.execute(arguments: [path, chunk.line, chunk.text])
            let columns = MemoryText.columns(for: chunk.text)
            try ftsStatement.execute(arguments: [db.lastInsertedRowID, columns.words, columns.bigrams, columns.unigrams])
        }
    }
}
