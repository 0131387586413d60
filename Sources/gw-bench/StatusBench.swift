import Foundation
import GatewayKit

/// `gw status` on a town with 3 rigs and 5 crew, next to `git --version` as the floor of spawning a process.
struct StatusBench: BenchSuite {
    let name = "status"
    let iterations = 30

    func run(_ reporter: BenchReporter) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-status-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let gw = Bench.product("gw")
        try Bench.shell("git init -q -b main project && cd project && git -c user.name=b -c user.email=b@b commit -q --allow-empty -m start", in: base)
        try Bench.run(gw, ["install", base.appendingPathComponent("town").path])
        let town = base.appendingPathComponent("town")
        for rig in ["alpha", "beta", "gamma"] {
            try Bench.run(gw, ["rig", "add", rig, base.appendingPathComponent("project").path], in: town)
        }
        for (crew, rig) in [("ann", "alpha"), ("bob", "alpha"), ("cy", "beta"), ("dee", "beta"), ("eve", "gamma")] {
            try Bench.run(gw, ["crew", "add", crew, "--rig", rig], in: town)
        }
        var gitTimes: [Double] = []
        var statusTimes: [Double] = []
        // Interleaved, so both feel the same load on a shared machine.
        for _ in 0..<iterations {
            gitTimes.append(try Bench.milliseconds { try Bench.run("/usr/bin/env", ["git", "--version"]) })
            statusTimes.append(try Bench.milliseconds { try Bench.run(gw, ["status"], in: town) })
        }
        let gitMedian = Bench.percentile(gitTimes, 50)
        let statusMedian = Bench.percentile(statusTimes, 50)
        reporter.report("status.git_version_p50", gitMedian, "ms")
        reporter.report("status.gw_status_p50", statusMedian, "ms", baseline: "status.git_version_p50")
        reporter.report("status.gw_status_p95", Bench.percentile(statusTimes, 95), "ms", baseline: "status.git_version_p50")
        reporter.report("status.gw_status_over_git_ratio", statusMedian / max(gitMedian, 0.001), "x")
    }
}
