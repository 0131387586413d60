import Foundation
import GatewayKit
import GatewayCore
import GatewayHeartbeat

/// The work the daemon does on each wake: parse HEARTBEAT.md (100 tasks, mixed schedules, Chinese
/// names) and decide with the scheduler — next to reading the same file from disk, its floor.
struct HeartbeatBench: BenchSuite {
    let name = "heartbeat"
    let iterations = 200

    func run(_ reporter: BenchReporter) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-heartbeat-\(getpid()).md")
        defer { try? FileManager.default.removeItem(at: file) }
        let schedules = ["", "> schedule: every 2h\n", "> schedule: daily 09:00 · notify: phone\n", "> schedule: weekly mon,thu 10:00 · priority: high\n"]
        let text = (0..<100).map { index in
            "## 任务 \(index) 每日资讯\n\(schedules[index % schedules.count])- 使用 WebSearch 搜索今天科技新闻\n- 总结 3 条重要资讯\n"
        }.joined(separator: "\n")
        try FileSystem.writeAtomically(text, to: file)
        var settings = HeartbeatSettings()
        settings.activeHours = ActiveHours(start: ClockTime(hour: 8, minute: 0), end: ClockTime(hour: 23, minute: 0),
                                           timeZone: TimeZone(identifier: "Asia/Shanghai"))
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var readTimes: [Double] = []
        var beatTimes: [Double] = []
        for step in 0..<iterations {
            readTimes.append(try Bench.milliseconds {
                guard try !FileSystem.readText(file).isEmpty else { throw GatewayError("bench file vanished: \(file.path)") }
            })
            beatTimes.append(try Bench.milliseconds {
                let document = try HeartbeatDocument.load(from: file)
                let scheduler = HeartbeatScheduler(settings: settings, document: document, startedAt: start)
                let marks = HeartbeatMarks(lastBeat: start.addingTimeInterval(Double(step) * 1800))
                guard case .beat = scheduler.tick(now: start.addingTimeInterval(Double(step + 1) * 1800 + 86_400), marks: marks) else { return }
            })
        }
        reporter.report("heartbeat.read_file_p50", Bench.percentile(readTimes, 50), "ms")
        reporter.report("heartbeat.parse_and_decide_p50", Bench.percentile(beatTimes, 50), "ms", baseline: "heartbeat.read_file_p50")
        reporter.report("heartbeat.parse_and_decide_p95", Bench.percentile(beatTimes, 95), "ms", baseline: "heartbeat.read_file_p50")
    }
}
