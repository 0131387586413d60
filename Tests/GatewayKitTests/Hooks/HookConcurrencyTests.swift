import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
import GatewayTestSupport

/// Many real `gw` processes writing at once, and an agent committing in the same worktree.
@Suite struct HookConcurrencyTests {
    static func put(_ gw: String, _ agent: String, _ name: String) -> (arguments: [String], input: String?) {
        ([gw, "hook", "put", agent, "-", "--name", name], "content of \(name)\n")
    }

    @Test func twentyConcurrentPutsMakeTwentyCommitsAndNoneIsLost() async throws {
        let fixture = try await TestTown()
        let gw = try builtProduct("gw").path
        let commands = (1...20).map { Self.put(gw, "mayor", "job-\($0).md") }
        let failures = try await failuresRunningAtOnce(commands, in: fixture.town.root, outputs: fixture.directory.path("out"))
        #expect(failures.isEmpty, "\(failures)")
        #expect(try await fixture.commitCount("mayor") == 21)
        let files = try await fixture.git("ls-tree --name-only hooks/mayor work/").split(separator: "\n")
        #expect(files.count == 20)
        for index in 1...20 {
            #expect(try await fixture.git("show hooks/mayor:work/job-\(index).md") == "content of job-\(index).md\n")
        }
        try await fixture.git("fsck --strict --no-progress")
        #expect(try await fixture.git("status --porcelain", in: fixture.town.mayorDirectory).isEmpty)
    }

    @Test func writersToDifferentHooksIncludingNewOnesAllLand() async throws {
        let fixture = try await TestTown()
        let gw = try builtProduct("gw").path
        let agents = ["mayor", "nux", "slit", "toast"]
        // The three polecat hooks do not exist yet: their first writers race to create them.
        let commands = (0..<16).map { Self.put(gw, agents[$0 % 4], "w\($0).md") }
        let failures = try await failuresRunningAtOnce(commands, in: fixture.town.root, outputs: fixture.directory.path("out"))
        #expect(failures.isEmpty, "\(failures)")
        for agent in agents {
            #expect(try await fixture.commitCount(agent) == 5, "hook of \(agent): its start and four puts")
        }
        try await fixture.git("fsck --strict --no-progress")
    }

    /// An agent using plain `git add` and `git commit`, through the `git` Gateway puts first on every
    /// agent's PATH (`AgentGit`), while Gateway's writers commit in the same worktree: no git of either
    /// side fails for a lock, with flock(1) and with `gw hook lock-exec` (macOS, which has no flock),
    /// and every change is kept. The one way the agent's `git commit` can exit non-zero is "nothing to
    /// commit", when a Gateway commit has already taken the agent's new file along — its change is
    /// committed either way.
    @Test(arguments: [true, false])
    func anAgentsPlainGitWaitsForGatewaysCommitsAndNeitherFails(flock: Bool) async throws {
        let fixture = try await TestTown()
        let gw = try builtProduct("gw").path
        let agentGit = AgentGit(town: fixture.town)
        try agentGit.install(realGit: try #require(ExecutableLookup.find("git")),
                             flock: flock ? try flockProgram() : nil, gatewayExecutable: gw)
        let agentLoop = """
            PATH='\(agentGit.directory.path)':$PATH
            [ "$(command -v git)" = '\(agentGit.script.path)' ] || { echo "not the agents' git: $(command -v git)"; exit 3; }
            for i in $(seq 1 25); do echo "agent $i" > agent-$i.md
              out=$(git add agent-$i.md 2>&1 && git commit -q -m "agent note $i" -- agent-$i.md 2>&1) || \
                case "$out" in *"nothing to commit"*|*"no changes added"*) git cat-file -e HEAD:agent-$i.md || exit 2 ;; *) echo "$out"; exit 1 ;; esac
            done
            """
        var commands = [(arguments: ["/bin/sh", "-c", agentLoop], input: String?.none)]
        commands += (1...15).map { Self.put(gw, "mayor", "g\($0).md") }
        let failures = try await failuresRunningAtOnce(commands, in: fixture.town.mayorDirectory, outputs: fixture.directory.path("out"))
        #expect(failures.isEmpty, "\(failures)")
        let tree = Set(try await fixture.git("ls-tree -r --name-only hooks/mayor").split(separator: "\n").map(String.init))
        for i in 1...25 { #expect(tree.contains("agent-\(i).md")) }
        for i in 1...15 { #expect(tree.contains("work/g\(i).md")) }
        try await fixture.git("fsck --strict --no-progress")
    }

    /// An agent whose plain `git commit` knows nothing of Gateway: Gateway waits out every index lock the
    /// agent holds and never fails. Plain git cannot wait for a lock, so the agent's loop retries when it
    /// meets one of Gateway's; at the end every change of both sides is committed.
    @Test func gatewayNeverFailsAgainstAPlainGitAgentAndKeepsEverything() async throws {
        let fixture = try await TestTown()
        let gw = try builtProduct("gw").path
        let agentLoop = """
            for i in $(seq 1 25); do echo "agent $i" > agent-$i.md; n=0
              until { git add agent-$i.md && git commit -q -m "agent note $i" -- agent-$i.md; } >/dev/null 2>&1 \
                || git cat-file -e HEAD:agent-$i.md 2>/dev/null; do
                n=$((n+1)); [ $n -lt 500 ] || exit 1; sleep 0.02
              done
            done
            """
        var commands = [(arguments: ["/bin/sh", "-c", agentLoop], input: String?.none)]
        commands += (1...15).map { Self.put(gw, "mayor", "g\($0).md") }
        let failures = try await failuresRunningAtOnce(commands, in: fixture.town.mayorDirectory, outputs: fixture.directory.path("out"))
        #expect(failures.isEmpty, "\(failures)")
        let tree = Set(try await fixture.git("ls-tree -r --name-only hooks/mayor").split(separator: "\n").map(String.init))
        for i in 1...25 { #expect(tree.contains("agent-\(i).md")) }
        for i in 1...15 { #expect(tree.contains("work/g\(i).md")) }
        try await fixture.git("fsck --strict --no-progress")
    }
}
