import Foundation
import GatewayKit
import GatewayCore

/// An idle daemon (the Mayor on gw-agent-sim, the heartbeat off, nothing queued) over 60 s — 10 s with
/// GW_BENCH_QUICK=1 — : its CPU time and RSS, next to a `sleep` process measured over the same window
/// as the floor. Linux only (it reads /proc).
struct DaemonBench: BenchSuite {
    let name = "daemon"

    func run(_ reporter: BenchReporter) async throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/stat") else {
            FileHandle.standardError.write(Data("bench daemon: skipped (needs /proc)\n".utf8))
            return
        }
        let window: Double = ProcessInfo.processInfo.environment["GW_BENCH_QUICK"] == "1" ? 10 : 60
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-daemon-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let gw = Bench.product("gw")
        let root = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", root.path])
        let town = Town(root: root)
        try """
            [mayor]
            agent = "sim"

            [heartbeat]
            every = "off"
            """.write(to: town.configFile, atomically: true, encoding: .utf8)
        let environment = ["CLAUDE_CONFIG_DIR": base.appendingPathComponent("claude").path, "HOME": base.path]
        defer {
            try? Bench.run(gw, ["daemon", "stop", "--town", root.path], environment: environment)
            try? Bench.run("/usr/bin/env", ["tmux", "-L", town.tmuxSocket, "kill-server"])
            try? FileManager.default.removeItem(at: base)
        }
        try Bench.run(gw, ["daemon", "start", "--town", root.path], environment: environment)
        guard let daemon = DaemonPidFile.runningPid(town) else { throw GatewayError("the daemon did not start") }
        // Let the Mayor start and the first rounds settle before measuring.
        try await Task.sleep(for: .seconds(3))

        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = [String(Int(window) + 30)]
        try sleeper.run()
        defer { sleeper.terminate() }

        let daemonStart = try Self.sample(daemon)
        let sleepStart = try Self.sample(sleeper.processIdentifier)
        try await Task.sleep(for: .seconds(window))
        let daemonEnd = try Self.sample(daemon)
        let sleepEnd = try Self.sample(sleeper.processIdentifier)

        let daemonCPU = daemonEnd.cpuMilliseconds - daemonStart.cpuMilliseconds
        reporter.report("daemon.idle_window", window, "s")
        reporter.report("daemon.sleep_cpu", sleepEnd.cpuMilliseconds - sleepStart.cpuMilliseconds, "ms")
        reporter.report("daemon.idle_cpu", daemonCPU, "ms", baseline: "daemon.sleep_cpu")
        reporter.report("daemon.idle_cpu_share", daemonCPU / (window * 1000) * 100, "%")
        reporter.report("daemon.sleep_rss", sleepEnd.rssKilobytes, "KiB")
        reporter.report("daemon.idle_rss", daemonEnd.rssKilobytes, "KiB", baseline: "daemon.sleep_rss")
    }

    struct Sample {
        var cpuMilliseconds: Double
        var rssKilobytes: Double
    }

    /// utime + stime from /proc/PID/stat, and VmRSS from /proc/PID/status.
    static func sample(_ pid: Int32) throws -> Sample {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw GatewayError("unreadable /proc/\(pid)/stat") }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15 (1-based, as in proc(5)).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw GatewayError("unreadable /proc/\(pid)/stat")
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } } ?? 0
        return Sample(cpuMilliseconds: (user + system) / ticks * 1000, rssKilobytes: rss)
    }
}
