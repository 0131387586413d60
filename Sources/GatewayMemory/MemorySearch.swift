import Foundation
import GRDB
import GatewayCore

extension MemoryIndex {
    /// The ranking query, shared with the benchmark's floor: FTS5 match ranked by BM25, where a hit in
    /// the single-character column counts for less than a word or bigram hit.
    public static let searchSQL = """
        SELECT c.path, c.line, c.text, bm25(chunk_fts, 1.0, 1.0, 0.3) AS score
        FROM chunk_fts JOIN chunks c ON c.id = chunk_fts.rowid
        WHERE chunk_fts MATCH ? ORDER BY score LIMIT ?
        """

    /// The best `limit` pieces of memory for `query` in an index brought up to date with the files under
    /// `root`, as `search` finds them after `catchUp`. The freshness check (a stat of every file:
    /// milliseconds on a ten-year memory) runs on another thread while the index is queried, instead of
    /// before; only when it finds that the files differ from what the queried snapshot recorded is the
    /// index caught up and the query run again. The fingerprint compared is read in the query's own
    /// transaction, so a refresh by another process in between cannot pass stale hits off as current.
    public static func searchCurrent(file: URL, root: URL, query: String, limit: Int = 10) async throws -> [MemoryHit] {
        let (expression, needles) = try Self.prepare(query, limit: limit)
        async let scanned = MemoryScan.fingerprint(root: root)
        if let read = MemoryIndexQuery.run(file: file, expression: expression, limit: limit),
           let recorded = read.fingerprint, recorded == Int64(bitPattern: await scanned) {
            return read.rows.map { hit(path: $0.path, line: $0.line, text: $0.text, score: $0.score, needles: needles) }
        }
        let index = try MemoryIndex(file: file)
        try index.catchUp(root: root)
        return try index.search(query, limit: limit)
    }

    /// The best `limit` pieces of memory for `query`, best first, each with its file, line and a snippet.
    public func search(_ query: String, limit: Int = 10) throws -> [MemoryHit] {
        let (expression, needles) = try Self.prepare(query, limit: limit)
        return try database.read { db in
            try Row.fetchAll(db, sql: Self.searchSQL, arguments: [expression, limit]).map { row in
                Self.hit(path: row[0], line: row[1], text: row[2], score: row[3], needles: needles)
            }
        }
    }

    /// The match expression for `query` and the terms its snippets look for; a usage error for a query
    /// with no words or a limit below 1.
    static func prepare(_ query: String, limit: Int) throws -> (expression: String, needles: [String]) {
        guard let expression = MemoryText.matchExpression(query) else {
            throw GatewayError.usage("the query \"\(query)\" has no words to search for: give a word, like `gw memory search tmux` or `gw memory search 新闻`")
        }
        guard limit > 0 else { throw GatewayError.usage("--limit must be at least 1") }
        let (words, runs) = MemoryText.terms(query)
        return (expression, runs + words)
    }

    /// One row of `searchSQL` as a hit: the line of the first term found, and the snippet around it.
    static func hit(path: String, line: Int, text: String, score: Double, needles: [String]) -> MemoryHit {
        let (offset, snippet) = Self.snippet(text, needles: needles)
        return MemoryHit(file: path, line: line + offset, snippet: snippet, score: -score)
    }

    /// Runs only `searchSQL` for an already-built match expression, with no freshness check and no
    /// snippets: the floor the benchmark measures `search` against. Returns the number of rows.
    public func rawSearchCount(_ expression: String, limit: Int) throws -> Int {
        try database.read { db in try Row.fetchAll(db, sql: Self.searchSQL, arguments: [expression, limit]).count }
    }

    /// A window of about 120 characters around the first needle found, marked `[like this]`, on one line;
    /// with the number of lines into the chunk where it was found.
    static func snippet(_ text: String, needles: [String], width: Int = 120) -> (lineOffset: Int, text: String) {
        let found = needles.lazy.compactMap { text.range(of: $0, options: [.caseInsensitive, .diacriticInsensitive]) }
            .min { $0.lowerBound < $1.lowerBound }
        guard let found else { return (0, Self.oneLine(String(text.prefix(width)))) }
        let lineOffset = text[..<found.lowerBound].filter { $0 == "\n" }.count
        let before = text.distance(from: text.startIndex, to: found.lowerBound)
        let lead = min(before, width / 3)
        let start = text.index(found.lowerBound, offsetBy: -lead)
        let afterLength = width - lead - text.distance(from: found.lowerBound, to: found.upperBound)
        let end = text.index(found.upperBound, offsetBy: max(0, afterLength), limitedBy: text.endIndex) ?? text.endIndex
        let shown = (start > text.startIndex ? "…" : "") + text[start..<found.lowerBound] + "[" + text[found] + "]"
            + text[found.upperBound..<end] + (end < text.endIndex ? "…" : "")
        return (lineOffset, Self.oneLine(shown))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

extension StableHash {
    /// FNV-1a over raw bytes, for change detection of files.
    static func fnv1a64(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
