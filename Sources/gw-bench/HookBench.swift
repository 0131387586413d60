import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks

/// Hooks: `gw hook put` next to the plain git it runs (`git add` + `git commit` in a worktree of the
/// same kind), and the agents' git (`.gateway/agent-bin/git`, which takes the hook's lock) next to
/// plain git for the same `git status` in the Mayor's hook — what an agent pays for never failing on
/// Gateway's index lock.
struct HookBench: BenchSuite {
    let name = "hooks"
    var rounds: Int { ProcessInfo.processInfo.environment["GW_BENCH_QUICK"] == "1" ? 10 : 40 }

    func run(_ reporter: BenchReporter) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-hooks-\(getpid())").resolvingSymlinksInPath()
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let gw = Bench.product("gw")
        let townURL = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", townURL.path])
        let town = Town(root: townURL)
        let git = ExecutableLookup.find("git") ?? "/usr/bin/git"
        let identity = ["GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
                        "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"]

        // The floor: a worktree of the same repo, written and committed with plain git.
        let plain = base.appendingPathComponent("plain")
        try Bench.run(git, ["-C", townURL.path, "worktree", "add", "-q", "-b", "bench-plain", plain.path, "HEAD"], environment: identity)
        var commitTimes: [Double] = []
        var putTimes: [Double] = []
        for index in 0..<rounds {
            let file = plain.appendingPathComponent("job-\(index).md")
            commitTimes.append(try Bench.milliseconds {
                try "content \(index)\n".write(to: file, atomically: true, encoding: .utf8)
                try Bench.run(git, ["-C", plain.path, "add", "--all"])
                try Bench.run(git, ["-C", plain.path, "commit", "-q", "--no-verify", "-m", "job \(index)"], environment: identity)
            })
            let source = base.appendingPathComponent("put-\(index).md")
            try "content \(index)\n".write(to: source, atomically: true, encoding: .utf8)
            putTimes.append(try Bench.milliseconds {
                try Bench.run(gw, ["hook", "put", "mayor", source.path, "--town", townURL.path], environment: identity)
            })
        }
        reporter.report("hooks.plain_git_add_commit_p50", Bench.percentile(commitTimes, 50), "ms")
        reporter.report("hooks.put_p50", Bench.percentile(putTimes, 50), "ms", baseline: "hooks.plain_git_add_commit_p50")
        reporter.report("hooks.put_p95", Bench.percentile(putTimes, 95), "ms", baseline: "hooks.plain_git_add_commit_p50")

        let agentGit = AgentGit(town: town)
        try agentGit.install(realGit: git, flock: ExecutableLookup.find("flock"), gatewayExecutable: gw)
        var plainStatus: [Double] = []
        var agentStatus: [Double] = []
        for _ in 0..<rounds {
            plainStatus.append(try Bench.milliseconds { try Bench.run(git, ["status", "--short"], in: town.mayorDirectory) })
            agentStatus.append(try Bench.milliseconds { try Bench.run(agentGit.script.path, ["status", "--short"], in: town.mayorDirectory) })
        }
        reporter.report("hooks.git_status_plain_p50", Bench.percentile(plainStatus, 50), "ms")
        reporter.report("hooks.git_status_agents_git_p50", Bench.percentile(agentStatus, 50), "ms", baseline: "hooks.git_status_plain_p50")
    }
}
