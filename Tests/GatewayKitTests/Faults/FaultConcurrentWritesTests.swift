import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Fault scenario 7: 50 `gw memory append` and 20 `gw hook put` — real `gw` processes, all started at
/// once, in a seeded random order — against the Mayor's hook, trial after trial on the same town. At
/// the end of every trial the committed files on hooks/mayor hold every entry exactly once, `git fsck
/// --strict` is clean, and the Mayor's worktree has nothing uncommitted. Each racing writer counts as
/// one fault injected.
@Suite struct FaultConcurrentWritesTests {
    static let appends = 50
    static let puts = 20
    static let day = "2026-03-14"

    static func entry(trial: Int, _ index: Int) -> String { "trial \(trial) entry \(index) 第\(index)条" }
    static func putName(trial: Int, _ index: Int) -> String { "trial-\(trial)-put-\(index).md" }
    static func putContent(trial: Int, _ index: Int) -> String { "put \(index) of trial \(trial)\nsecond line \(index)\n" }

    @Test func concurrentAppendsAndPutsKeepEveryEntryOnceAndGitIntact() async throws {
        var tally = FaultTally("concurrent-writes")
        var random = FaultPlan.generator()
        tally.seed = random.seed
        let fixture = try await TestTown()
        let gw = try builtProduct("gw").path
        let trials = FaultPlan.trials(short: 2, full: 20)
        var commitsBefore = try await fixture.commitCount("mayor")

        for trial in 1...trials {
            var commands: [(arguments: [String], input: String?)] = (1...Self.appends).map { index in
                ([gw, "memory", "append", Self.entry(trial: trial, index), "--date", Self.day], nil)
            }
            commands += (1...Self.puts).map { index in
                ([gw, "hook", "put", "mayor", "-", "--name", Self.putName(trial: trial, index)], Self.putContent(trial: trial, index))
            }
            commands.shuffle(using: &random)
            tally.trials += 1
            tally.faults += commands.count
            let failures = try await failuresRunningAtOnce(commands, in: fixture.town.root, outputs: fixture.directory.path("out-\(trial)"))
            for failure in failures { tally.fail("trial \(trial): \(failure)") }
            try await check(fixture, trial: trial, commitsBefore: commitsBefore, into: &tally)
            commitsBefore = try await fixture.commitCount("mayor")
        }
        tally.finish()
    }

    /// Reads the hook back from git (what is committed, not what the worktree shows) and counts.
    func check(_ fixture: TestTown, trial: Int, commitsBefore: Int, into tally: inout FaultTally) async throws {
        let log = try await fixture.git("show hooks/mayor:memory/\(Self.day).md")
        for index in 1...Self.appends {
            // The line ends at the entry: "entry 1 第1条" is no prefix of "entry 11 第11条".
            let copies = log.components(separatedBy: "\(Self.entry(trial: trial, index))\n").count - 1
            if copies == 0 { tally.lose("trial \(trial): memory entry \(index) is not in the committed log") }
            if copies > 1 { tally.duplicate("trial \(trial): memory entry \(index) is in the log \(copies) times", count: copies - 1) }
        }
        let tree = Set(try await fixture.git("ls-tree --name-only hooks/mayor work/").split(separator: "\n").map(String.init))
        for index in 1...Self.puts {
            let name = Self.putName(trial: trial, index)
            guard tree.contains("work/\(name)") else {
                tally.lose("trial \(trial): work/\(name) is not on hooks/mayor")
                continue
            }
            let content = try await fixture.git("show hooks/mayor:work/\(name)")
            if content != Self.putContent(trial: trial, index) { tally.fail("trial \(trial): work/\(name) holds \(content.debugDescription)") }
        }
        // One commit per write: fewer means a write rode along in another's commit, more means one
        // write committed twice.
        let commits = try await fixture.commitCount("mayor") - commitsBefore
        if commits != Self.appends + Self.puts {
            tally.fail("trial \(trial): \(commits) commits on hooks/mayor for \(Self.appends + Self.puts) writes")
        }
        do {
            try await fixture.git("fsck --strict --no-progress")
        } catch {
            tally.fail("trial \(trial): git fsck --strict: \(error)")
        }
        let status = try await fixture.git("status --porcelain", in: fixture.town.mayorDirectory)
        if !status.isEmpty { tally.fail("trial \(trial): left uncommitted in the Mayor's worktree:\n\(status)") }
        let lockPath = try await fixture.git("rev-parse --git-path index.lock", in: fixture.town.mayorDirectory)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let lock = URL(fileURLWithPath: lockPath, relativeTo: fixture.town.mayorDirectory)
        if FileSystem.exists(lock) { tally.fail("trial \(trial): a stale git lock was left behind: \(lock.path)") }
    }
}
