import Foundation
import GatewayKit
import GatewayCore
import GatewayMemory

/// A ten-year memory (3,650 daily logs of mixed English and Chinese): index build time next to reading
/// the files alone; search p50/p99 as `gw memory search` runs it (freshness check of every file, match,
/// snippets) next to the same FTS query run directly on the SQLite file; and catching up after one edit.
struct MemoryBench: BenchSuite {
    let name = "memory"
    let days = 3_650
    let searches = 200

    func run(_ reporter: BenchReporter) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-memory-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        defer { try? FileManager.default.removeItem(at: base) }
        let town = base.appendingPathComponent("town")
        try Bench.run(Bench.product("gw"), ["install", town.path])
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
        let indexFile = town.appendingPathComponent(".gateway/memory-index.sqlite")
        let index = try MemoryIndex(file: indexFile)
        var stats: MemoryIndexStats?
        let build = try Bench.milliseconds { stats = try index.rebuild(root: mayor) }
        reporter.report("memory.read_all_files_floor", readAll, "ms")
        reporter.report("memory.index_build", build, "ms", baseline: "memory.read_all_files_floor")
        reporter.report("memory.index_chunks", Double(stats?.chunks ?? 0), "chunks")
        let indexSize = (try FileManager.default.attributesOfItem(atPath: indexFile.path)[.size] as? NSNumber)?.doubleValue ?? 0
        reporter.report("memory.index_size", indexSize / 1_048_576, "MiB")

        let queries = ["tmux", "deploy review", "新闻", "科技", "人工智能", "闻", "Shanghai 天气", "database migration"]
        let environment = GatewayEnvironment.live(logger: .init(label: "bench"))
        let store = MemoryStore(environment: environment, town: Town(root: town), config: GatewayConfig())
        var full: [Double] = []
        var floor: [Double] = []
        let expressions = queries.compactMap { MemoryText.matchExpression($0) }
        var found = (full: 0, floor: 0)
        for iteration in 0..<searches {
            let which = iteration % queries.count
            full.append(try Bench.milliseconds { found.full += try store.search(queries[which], limit: 10).count })
            floor.append(try Bench.milliseconds { found.floor += try index.rawSearchCount(expressions[which], limit: 10) })
        }
        guard found.full == found.floor, found.full > 0 else {
            throw GatewayError("search found \(found.full) results, the raw query \(found.floor)")
        }
        reporter.report("memory.search_floor_sql_p50", Bench.percentile(floor, 50), "ms")
        reporter.report("memory.search_p50", Bench.percentile(full, 50), "ms", baseline: "memory.search_floor_sql_p50")
        reporter.report("memory.search_floor_sql_p99", Bench.percentile(floor, 99), "ms")
        reporter.report("memory.search_p99", Bench.percentile(full, 99), "ms", baseline: "memory.search_floor_sql_p99")

        // Where the time between the floor and the full search goes: opening the index, and checking every
        // file's mtime and size when nothing changed.
        var opens: [Double] = []
        var refreshes: [Double] = []
        var opened: [MemoryIndex] = []
        for _ in 0..<20 {
            opens.append(try Bench.milliseconds { opened.append(try MemoryIndex(file: indexFile)) })
            refreshes.append(try Bench.milliseconds { found.full += try index.refresh(root: mayor).changed })
        }
        guard opened.count == opens.count else { throw GatewayError("an index open went missing") }
        reporter.report("memory.open_index_p50", Bench.percentile(opens, 50), "ms")
        reporter.report("memory.refresh_unchanged_p50", Bench.percentile(refreshes, 50), "ms")

        // The Mayor edits one old log by hand: the next search rereads that file only.
        let edited = mayor.appendingPathComponent("memory/\(dayNames[1_000]).md")
        try FileSystem.writeAtomically(try String(contentsOf: edited, encoding: .utf8) + "- 23:59 added by hand: zebra\n", to: edited)
        var changed = 0
        let catchUp = try Bench.milliseconds { changed = try index.refresh(root: mayor).changed }
        reporter.report("memory.refresh_after_one_edit", catchUp, "ms")
        reporter.report("memory.refresh_after_one_edit_files_reread", Double(changed), "files")
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
