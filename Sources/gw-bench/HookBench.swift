import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks

/// Hooks: `gw hook put` next to plain `git add` + `git commit` of the same file in a worktree of the
/// same repo (limit 3x), and the agents' git (`.gateway/agent-bin/git`, which takes the hook's lock) next to
/// plain git for the same `git status` in the Mayor's hook — what an agent pays for never failing on
/// Gateway's index lock.
struct HookBench: BenchSuite {
    let name = "hooks"
    var rounds: Int { Bench.quick ? 10 : 40 }

    func run(_ reporter: BenchReporter) async throws {
        let base = try Bench.scratch(name)
        defer { try? FileManager.default.removeItem(at: base) }
        let gw = Bench.product("gw")
        let townURL = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", townURL.path])
        let town = Town(root: townURL)
        let git = try Bench.tool("git")
        let identity = ["GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                        "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"]

        // The floor: a worktree of the same repo, written and committed with plain git.
        let plain = base.appendingPathComponent("plain")
        try Bench.run(git, ["-C", townURL.path, "worktree", "add", "-q", "-b", "bench-plain", plain.path, "HEAD"], environment: identity)
        var commitTimes: [Double] = []
        var putTimes: [Double] = []
        try FileManager.default.createDirectory(at: plain.appendingPathComponent("work"), withIntermediateDirectories: true)
        // Interleaved; the same file each round, copied to work/NAME by both sides (as `gw hook put` does).
        for index in 0..<rounds {
            let source = base.appendingPathComponent("job-\(index).md")
            try "content \(index)\n".write(to: source, atomically: true, encoding: .utf8)
            let copy = "work/" + source.lastPathComponent
            commitTimes.append(try Bench.milliseconds {
                try FileManager.default.copyItem(at: source, to: plain.appendingPathComponent(copy))
                _ = try Bench.timedRun(git, ["-C", plain.path, "add", copy])
                _ = try Bench.timedRun(git, ["-C", plain.path, "commit", "-q", "--no-verify", "-m", "job \(index)"], environment: identity)
            })
            putTimes.append(try Bench.timedRun(gw, ["hook", "put", "mayor", source.path, "--town", townURL.path], environment: identity))
        }
        reporter.report("hooks.plain_git_add_commit_p50", Bench.percentile(commitTimes, 50), "ms")
        reporter.report("hooks.put_p50", Bench.percentile(putTimes, 50), "ms", baseline: "hooks.plain_git_add_commit_p50", limit: .timesBaseline(3))
        reporter.report("hooks.put_p95", Bench.percentile(putTimes, 95), "ms", baseline: "hooks.plain_git_add_commit_p50")

        let agentGit = AgentGit(town: town)
        try agentGit.install(realGit: git, flock: ExecutableLookup.find("flock"), gatewayExecutable: gw)
        var plainStatus: [Double] = []
        var agentStatus: [Double] = []
        for _ in 0..<rounds {
            plainStatus.append(try Bench.timedRun(git, ["status", "--short"], in: town.mayorDirectory))
            agentStatus.append(try Bench.timedRun(agentGit.script.path, ["status", "--short"], in: town.mayorDirectory))
        }
        reporter.report("hooks.git_status_plain_p50", Bench.percentile(plainStatus, 50), "ms")
        reporter.report("hooks.git_status_agents_git_p50", Bench.percentile(agentStatus, 50), "ms", baseline: "hooks.git_status_plain_p50")
    }
}
