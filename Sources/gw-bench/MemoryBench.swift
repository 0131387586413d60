import Foundation
import GatewayKit
import GatewayCore
import GatewayMemory

/// A ten-year memory (3,650 daily logs of mixed English and Chinese): index build time next to reading
/// the files alone; `gw memory search QUERY` as a user runs it (a process: open the index, check every
/// file's freshness, match, snippets) next to the same FTS query run by the `sqlite3` CLI on the same
/// index file (limit 1.5x); where the difference goes; and catching up after one edit.
struct MemoryBench: BenchSuite {
    let name = "memory"
    let days = 3_650
    var searches: Int { Bench.quick ? 24 : 80 }

    func run(_ reporter: BenchReporter) async throws {
        let base = try Bench.scratch(name)
        defer { try? FileManager.default.removeItem(at: base) }
        let gw = Bench.product("gw")
        let town = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", town.path])
        let mayor = town.appendingPathComponent("mayor")
        var generator = MemoryTextGenerator(seed: 42)
        var bytes = 0
        let start = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2016, month: 1, day: 1).date!
        var dayNames: [String] = []
        for offset in 0..<days {
            let day = MemoryCalendar(timeZone: TimeZone(identifier: "UTC")!).day(of: start.addingTimeInterval(Double(offset) * 86_400))
            let text = generator.dailyLog(day: day)
            bytes += text.utf8.count
            dayNames.append(day)
            try FileSystem.writeAtomically(text, to: mayor.appendingPathComponent("memory/\(day).md"))
        }
        reporter.report("memory.corpus_files", Double(days), "files")
        reporter.report("memory.corpus_size", Double(bytes) / 1_048_576, "MiB")

        var readBytes = 0
        let readAll = try Bench.milliseconds {
            for day in dayNames { readBytes += try Data(contentsOf: mayor.appendingPathComponent("memory/\(day).md")).count }
        }
        guard readBytes == bytes else { throw GatewayError("read \(readBytes) bytes of \(bytes)") }
        // The file `gw memory search` opens (MemoryIndex.open(town:)).
        let indexFile = Town(root: town).memoryIndexFile
        let index = try MemoryIndex(file: indexFile)
        var stats: MemoryIndexStats?
        let build = try Bench.milliseconds { stats = try index.rebuild(root: mayor) }
        reporter.report("memory.read_all_files_floor", readAll, "ms")
        reporter.report("memory.index_build", build, "ms", baseline: "memory.read_all_files_floor")
        reporter.report("memory.index_chunks", Double(stats?.chunks ?? 0), "chunks")
        let indexSize = (try FileManager.default.attributesOfItem(atPath: indexFile.path)[.size] as? NSNumber)?.doubleValue ?? 0
        reporter.report("memory.index_size", indexSize / 1_048_576, "MiB")

        let sqlite3 = try Bench.tool("sqlite3")
        let queries = ["tmux", "deploy review", "新闻", "科技", "人工智能", "闻", "Shanghai 天气", "database migration"]
        // The query `gw memory search` runs (MemoryIndex.searchSQL with its match expression and limit),
        // spelled out as literals for the CLI.
        let statements = try queries.map { try Self.literalSQL(MemoryText.matchExpression($0) ?? "", limit: 10) }
        for (query, statement) in zip(queries, statements) {
            let direct = try Bench.output(sqlite3, [indexFile.path, "SELECT count(*) FROM (\(statement))"])
            let hits = try JSONSerialization.jsonObject(with: Data(try Bench.output(gw, ["memory", "search", query, "--json", "--town", town.path]).utf8)) as? [Any]
            guard Int(direct.trimmingCharacters(in: .whitespacesAndNewlines)) == hits?.count, hits?.isEmpty == false else {
                throw GatewayError("\"\(query)\": gw memory search found \(hits?.count ?? -1) hits, sqlite3 \(direct)")
            }
        }
        var gwTimes: [Double] = []
        var sqliteTimes: [Double] = []
        for iteration in 0..<searches {
            let which = iteration % queries.count
            sqliteTimes.append(try Bench.timedRun(sqlite3, [indexFile.path, statements[which]]))
            gwTimes.append(try Bench.timedRun(gw, ["memory", "search", queries[which], "--town", town.path]))
        }
        reporter.report("memory.sqlite3_search_p50", Bench.percentile(sqliteTimes, 50), "ms")
        reporter.report("memory.gw_search_p50", Bench.percentile(gwTimes, 50), "ms", baseline: "memory.sqlite3_search_p50", limit: .timesBaseline(1.5))
        reporter.report("memory.sqlite3_search_p99", Bench.percentile(sqliteTimes, 99), "ms")
        reporter.report("memory.gw_search_p99", Bench.percentile(gwTimes, 99), "ms", baseline: "memory.sqlite3_search_p99")

        // Where gw's time beyond the query goes, in this process: opening the index (migrations check),
        // and checking every file's mtime and size when nothing changed.
        var opens: [Double] = []
        var refreshes: [Double] = []
        var opened: [MemoryIndex] = []
        var changed = 0
        for _ in 0..<20 {
            opens.append(try Bench.milliseconds { opened.append(try MemoryIndex(file: indexFile)) })
            refreshes.append(try Bench.milliseconds { changed += try index.refresh(root: mayor).changed })
        }
        guard opened.count == opens.count, changed == 0 else { throw GatewayError("an unchanged memory was re-read (\(changed) files)") }
        reporter.report("memory.open_index_p50", Bench.percentile(opens, 50), "ms")
        reporter.report("memory.refresh_unchanged_p50", Bench.percentile(refreshes, 50), "ms")

        // The Mayor edits one old log by hand: the next search rereads that file only.
        let edited = mayor.appendingPathComponent("memory/\(dayNames[1_000]).md")
        try FileSystem.writeAtomically(try String(contentsOf: edited, encoding: .utf8) + "- 23:59 added by hand: zebra\n", to: edited)
        let catchUp = try Bench.milliseconds { changed = try index.refresh(root: mayor).changed }
        reporter.report("memory.refresh_after_one_edit", catchUp, "ms")
        reporter.report("memory.refresh_after_one_edit_files_reread", Double(changed), "files")
    }

    /// `MemoryIndex.searchSQL` with its two parameters (match expression, limit) written in as literals.
    static func literalSQL(_ expression: String, limit: Int) throws -> String {
        let pieces = MemoryIndex.searchSQL.components(separatedBy: "?")
        guard pieces.count == 3, !expression.isEmpty else { throw GatewayError("MemoryIndex.searchSQL no longer has two parameters") }
        return pieces[0] + "'" + expression.replacingOccurrences(of: "'", with: "''") + "'" + pieces[1] + String(limit) + pieces[2]
    }
}

/// Deterministic daily logs that read like a Mayor's: short entries in English, Chinese, or both.
struct MemoryTextGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    static let english = ["deploy", "review", "tmux", "session", "owner", "database", "migration", "heartbeat", "notify",
                          "Telegram", "rig", "polecat", "merged", "branch", "failed", "retry", "weather", "Shanghai",
                          "meeting", "invoice", "backup", "release", "budget", "travel", "reminder", "summary", "report"]
    static let chinese = ["新闻", "科技", "人工智能", "天气", "会议", "用户", "部署", "数据库", "提醒", "总结", "报告",
                          "发布", "备份", "突破", "模型", "今天", "明天", "重要", "资讯", "记录", "上海", "旅行"]
    static let sections = ["每日资讯", "Decisions", "Notes", "Alerts"]

    mutating func words(_ count: Int) -> String {
        (0..<count).map { _ in
            next(3) == 0 ? Self.chinese[next(Self.chinese.count)] + Self.chinese[next(Self.chinese.count)]
                : Self.english[next(Self.english.count)]
        }.joined(separator: " ")
    }

    mutating func dailyLog(day: String) -> String {
        var text = "# \(day)\n\n"
        for section in Self.sections where next(2) == 0 {
            text += "## \(section)\n\n"
            for _ in 0..<(2 + next(5)) {
                text += String(format: "- %02d:%02d ", next(24), next(60)) + words(6 + next(14)) + "\n"
            }
            text += "\n"
        }
        return text
    }
}
