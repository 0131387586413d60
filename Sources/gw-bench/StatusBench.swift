import Foundation
import GatewayKit

/// `gw status` on a town with 3 rigs and 5 crew, next to `git --version` as the floor of starting a
/// process that does nearly nothing. Limit: 4x the floor. Beside them, for reading the figure: a
/// Foundation hello-world built as gw is (`gw agent-event`'s floor) and `gw --version`, which does
/// nothing but start — how much of `gw status` is the start of any Swift program, and of gw's.
struct StatusBench: BenchSuite {
    let name = "status"
    var iterations: Int { Bench.quick ? 15 : 40 }

    func run(_ reporter: BenchReporter) async throws {
        let base = try Bench.scratch(name)
        defer { try? FileManager.default.removeItem(at: base) }
        let gw = Bench.product("gw")
        let git = try Bench.tool("git")
        try Bench.shell("git init -q -b main project && cd project && git -c user.name=b -c user.email=b@b commit -q --allow-empty -m start", in: base)
        let town = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", town.path])
        for rig in ["alpha", "beta", "gamma"] {
            try Bench.run(gw, ["rig", "add", rig, base.appendingPathComponent("project").path], in: town)
        }
        for (crew, rig) in [("ann", "alpha"), ("bob", "alpha"), ("cy", "beta"), ("dee", "beta"), ("eve", "gamma")] {
            try Bench.run(gw, ["crew", "add", crew, "--rig", rig], in: town)
        }
        let hello = Bench.product("gw-bench-hello")
        var gitTimes: [Double] = []
        var statusTimes: [Double] = []
        var helloTimes: [Double] = []
        var versionTimes: [Double] = []
        // Interleaved, so all feel the same load on a shared machine.
        for _ in 0..<iterations {
            gitTimes.append(try Bench.timedRun(git, ["--version"]))
            statusTimes.append(try Bench.timedRun(gw, ["status"], in: town))
            helloTimes.append(try Bench.timedRun(hello, []))
            versionTimes.append(try Bench.timedRun(gw, ["--version"]))
        }
        reporter.report("status.git_version_p50", Bench.percentile(gitTimes, 50), "ms")
        reporter.report("status.gw_status_p50", Bench.percentile(statusTimes, 50), "ms", baseline: "status.git_version_p50", limit: .timesBaseline(4))
        reporter.report("status.gw_status_p95", Bench.percentile(statusTimes, 95), "ms", baseline: "status.git_version_p50")
        reporter.report("status.swift_hello_p50", Bench.percentile(helloTimes, 50), "ms", baseline: "status.git_version_p50")
        reporter.report("status.gw_version_p50", Bench.percentile(versionTimes, 50), "ms", baseline: "status.git_version_p50")
    }
}
