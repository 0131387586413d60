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
/// megabytes) stays out of the ledger's WAL and backups. It follows the files: each refresh compares every
/// file's mtime and size with what was indexed and rereads only the changed ones.
public struct MemoryIndex: Sendable {
    let database: DatabasePool
    public let file: URL

    public static func open(town: Town) throws -> MemoryIndex { try MemoryIndex(file: town.memoryIndexFile) }

    public init(file: URL) throws {
        self.file = file
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.label = "gateway.memory-index"
            database = try DatabasePool(path: file.path, configuration: configuration)
            try Self.migrator.migrate(database)
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
        return migrator
    }

    /// The memory files under `root`: MEMORY.md and every `.md` below memory/, as relative paths.
    static func memoryFiles(root: URL) -> [String] {
        var files: [String] = []
        if FileSystem.exists(root.appendingPathComponent(MemoryStore.curatedFile)) { files.append(MemoryStore.curatedFile) }
        walk(root.appendingPathComponent("memory").path, relative: "memory", into: &files)
        return files.filter { $0 != "memory/README.md" }
    }

    /// readdir rather than FileManager's enumerator: a search walks thousands of files every time, and
    /// the enumerator's per-entry objects cost more than the search itself.
    private static func walk(_ path: String, relative: String, into files: inout [String]) {
        guard let directory = opendir(path) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            let type = entry.pointee.d_type
            var isDirectory = type == UInt8(DT_DIR)
            if type == UInt8(DT_UNKNOWN) { isDirectory = FileSystem.isDirectory(URL(fileURLWithPath: "\(path)/\(name)")) }
            if isDirectory {
                walk("\(path)/\(name)", relative: "\(relative)/\(name)", into: &files)
            } else if name.hasSuffix(".md") {
                files.append("\(relative)/\(name)")
            }
        }
    }

    struct Stamp: Equatable {
        var mtime: Double
        var size: Int64
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Stamp(mtime: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9, size: Int64(info.st_size))
    }

    struct Known {
        var stamp: Stamp
        var hash: String
        var indexedAt: Double
    }

    /// Brings the index up to date with the files (all of them, or only the paths given).
    @discardableResult
    public func refresh(root: URL, only: [String]? = nil) throws -> MemoryIndexStats {
        let paths = only ?? Self.memoryFiles(root: root)
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
        for path in paths {
            // Plain string paths: building a URL per file costs more than the stat.
            guard let stamp = Self.stamp("\(rootPath)/\(path)") else { continue }
            if let old = known[path], old.stamp == stamp, stamp.mtime < old.indexedAt - 1 { continue }
            // Changed stamp, or modified so close to the last indexing that a same-size edit within the
            // clock's resolution could hide: compare content.
            guard let data = FileManager.default.contents(atPath: "\(rootPath)/\(path)") else { continue }
            let hash = String(StableHash.fnv1a64(data), radix: 16)
            let text = known[path]?.hash == hash ? nil : String(decoding: data, as: UTF8.self)
            changed.append((path, stamp, hash, text))
        }
        let onDisk = Set(paths)
        let gone = only == nil ? known.keys.filter { !onDisk.contains($0) } : []
        var reindexed = 0
        if !changed.isEmpty || !gone.isEmpty {
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
            }
        }
        return try stats(changed: reindexed + gone.count)
    }

    /// Empties the index and indexes every file again.
    public func rebuild(root: URL) throws -> MemoryIndexStats {
        try database.write { db in
            try db.execute(sql: "DELETE FROM files; DELETE FROM chunks; DELETE FROM chunk_fts;")
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
