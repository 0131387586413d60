import Foundation
import GatewayKit
import GatewayCore

/// An idle daemon: the Mayor on gw-agent-sim sitting idle, the heartbeat on with no beat due, nothing
/// queued. Its CPU share over 60 s (15 s with GW_BENCH_QUICK=1) and its RSS, beside a `sleep` process
/// sampled over the same window. Limits: 0.05 % CPU, 30 MiB. The state is checked before, every 5 s
/// during and after the window (`DaemonIdleState`); when it was not idle no figure is printed, only why.
/// Linux only (it reads /proc).
struct DaemonBench: BenchSuite {
    let name = "daemon"

    func run(_ reporter: BenchReporter) async throws {
        guard ProcSample.available else {
            return reporter.note("daemon: skipped (needs Linux's /proc)")
        }
        let window: Double = Bench.quick ? 15 : 60
        let sim = try await SimDaemonTown.start(name)
        defer { sim.stop() }
        let ledger = try Ledger(file: sim.town.ledgerFile)
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = [String(Int(window) + 30)]
        try sleeper.run()
        defer { sleeper.terminate() }

        let start = try await DaemonIdleState.read(sim, ledger: ledger)
        let windowEnd = Date().addingTimeInterval(window)
        reporter.note("daemon idle check at the start: \(start.summary)")
        var problems = start.problems(since: start, daemon: sim.daemon, windowEnd: windowEnd)
        let logOffset = sim.logSize()
        let daemonStart = try ProcSample.read(sim.daemon)
        let sleepStart = try ProcSample.read(sleeper.processIdentifier)
        let began = DispatchTime.now().uptimeNanoseconds
        // Looked at from this process, so the looking costs the daemon nothing.
        while Date() < windowEnd {
            try await Task.sleep(for: .seconds(min(5, max(0, windowEnd.timeIntervalSinceNow))))
            let now = try await DaemonIdleState.read(sim, ledger: ledger)
            problems += now.problems(since: start, daemon: sim.daemon, windowEnd: windowEnd).filter { !problems.contains($0) }
        }
        let daemonEnd = try ProcSample.read(sim.daemon)
        let sleepEnd = try ProcSample.read(sleeper.processIdentifier)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        let end = try await DaemonIdleState.read(sim, ledger: ledger)
        problems += end.problems(since: start, daemon: sim.daemon, windowEnd: windowEnd).filter { !problems.contains($0) }
        reporter.note("daemon idle check at the end: \(end.summary)")
        let logged = sim.log(from: logOffset).split(separator: "\n")
        reporter.note("daemon log lines during the window: \(logged.count)" + (logged.isEmpty ? "" : " — " + logged.suffix(5).joined(separator: " | ")))

        let limitCPU = BenchLimit.atMost(0.05)
        let limitRSS = BenchLimit.atMost(30)
        guard problems.isEmpty else {
            let why = "the daemon was not idle during the window: " + problems.joined(separator: "; ")
            reporter.refuse("daemon.idle_cpu", "%", because: why, limit: limitCPU)
            reporter.refuse("daemon.idle_rss", "MiB", because: why, limit: limitRSS)
            return
        }
        func share(_ nanoseconds: Double) -> Double { nanoseconds / (elapsed * 1e9) * 100 }
        let (cpu, threadsEnded) = daemonEnd.cpuNanoseconds(since: daemonStart)
        reporter.report("daemon.idle_window", elapsed.rounded(), "s")
        reporter.report("daemon.sleep_cpu", share(sleepEnd.cpuNanoseconds - sleepStart.cpuNanoseconds), "%")
        reporter.report("daemon.idle_cpu", share(cpu), "%", baseline: "daemon.sleep_cpu", limit: limitCPU)
        reporter.note(String(format: "daemon idle CPU: %.1f ms over %.0f s (clock ticks say %.0f ms; threads that ended meanwhile: %d); %.1f wake-ups/s over %d threads; its children used %.0f ms",
                             cpu / 1e6, elapsed, daemonEnd.tickMilliseconds - daemonStart.tickMilliseconds, threadsEnded,
                             (daemonEnd.contextSwitches - daemonStart.contextSwitches) / elapsed, daemonEnd.threads,
                             daemonEnd.childrenTickMilliseconds - daemonStart.childrenTickMilliseconds))
        reporter.report("daemon.sleep_rss", sleepEnd.rssKilobytes / 1024, "MiB")
        reporter.report("daemon.idle_rss", daemonEnd.rssKilobytes / 1024, "MiB", baseline: "daemon.sleep_rss", limit: limitRSS)
        reporter.note(String(format: "daemon RSS: %.1f MiB anonymous (heap, stacks), %.1f MiB file-backed (mapped libraries)",
                             daemonEnd.rssAnonKilobytes / 1024, daemonEnd.rssFileKilobytes / 1024))
    }
}
