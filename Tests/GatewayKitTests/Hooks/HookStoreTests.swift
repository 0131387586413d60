import Foundation
import Logging
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
@testable import GatewayWork
import GatewayTestSupport

@Suite struct HookStoreTests {
    @Test func putCommitsWorkThatShowAndLogRead() async throws {
        let fixture = try await TestTown()
        let result = try await fixture.store.put("mayor", name: "task.md", data: Data("look at the logs\n".utf8))
        #expect(result.commit != nil)
        #expect(result.paths == ["work/task.md"])
        #expect(try await fixture.git("show hooks/mayor:work/task.md") == "look at the logs\n")
        let details = try await fixture.store.show("mayor")
        #expect(details.files.map(\.path).contains("work/task.md"))
        #expect(details.uncommitted.isEmpty)
        #expect(details.commits.first?.subject == "Hang work/task.md on the hook of mayor")
        let log = try await fixture.store.log("mayor")
        #expect(log.count == 2)
    }

    @Test func anotherAgentsHookIsMadeOnFirstUseWithItsOwnIndex() async throws {
        let fixture = try await TestTown()
        _ = try await fixture.store.put("nux", name: "a.md", data: Data("a".utf8))
        let hook = Hook(agent: "nux", town: fixture.town)
        #expect(hook.path == fixture.town.root.appendingPathComponent(".gateway/hooks/nux").path)
        #expect(try await fixture.git("rev-parse --abbrev-ref HEAD", in: hook.worktree).contains("hooks/nux"))
        let mayorIndex = try await fixture.git("rev-parse --git-path index", in: fixture.town.mayorDirectory)
        let nuxIndex = try await fixture.git("rev-parse --git-path index", in: hook.worktree)
        #expect(mayorIndex != nuxIndex)
        #expect(nuxIndex.contains("worktrees/nux/index"))
        let agents = try await fixture.store.list().map(\.agent)
        #expect(agents == ["mayor", "nux"])
        // The orphan branch shares no history with the town's main branch.
        #expect(try await fixture.commitCount("nux") == 2)
    }

    @Test func unknownAndInvalidAgentsAreClearErrors() async throws {
        let fixture = try await TestTown()
        await #expect { try await fixture.store.show("nobody") } throws: { error in
            (error as? GatewayError)?.message.contains("no hook for agent \"nobody\"") == true
        }
        await #expect { try await fixture.store.log("nobody") } throws: { error in
            (error as? GatewayError)?.message.contains("gw hook list") == true
        }
        await #expect { try await fixture.store.put("../evil", name: "a.md", data: Data()) } throws: { error in
            (error as? GatewayError)?.exit == .usage
        }
        await #expect { try await fixture.store.put("mayor", name: "../escape.md", data: Data()) } throws: { error in
            (error as? GatewayError)?.exit == .usage
        }
    }

    @Test func gatewaysCommitTakesTheAgentsUncommittedEditsAlong() async throws {
        let fixture = try await TestTown()
        let mayor = fixture.town.mayorDirectory
        // The agent is mid-edit: a changed tracked file and a new untracked one, neither committed.
        try FileSystem.writeAtomically("# MEMORY.md\n\nThe owner prefers short replies.\n", to: mayor.appendingPathComponent("MEMORY.md"))
        try FileSystem.writeAtomically("draft\n", to: mayor.appendingPathComponent("notes/draft.md"))
        let result = try await fixture.store.put("mayor", name: "job.md", data: Data("job\n".utf8))
        #expect(Set(result.tookAlong) == ["MEMORY.md", "notes/draft.md"])
        #expect(try await fixture.git("show hooks/mayor:MEMORY.md").contains("short replies"))
        #expect(try await fixture.git("show hooks/mayor:notes/draft.md") == "draft\n")
        #expect(try String(contentsOf: mayor.appendingPathComponent("MEMORY.md"), encoding: .utf8).contains("short replies"))
        #expect(try await fixture.git("log -1 --format=%B hooks/mayor").contains("With uncommitted changes already in the hook"))
        #expect(try await fixture.git("status --porcelain", in: mayor).isEmpty)
    }

    /// What was uncommitted is read while the edit runs and is staged, so git may already see the
    /// edit's own files, new folders and all, or the temporary file one is written through. None of it
    /// is the agent's.
    @Test func aWriteNeverListsItsOwnFilesAsTheAgentsWork() async throws {
        let fixture = try await TestTown()
        try FileSystem.writeAtomically("draft\n", to: fixture.town.mayorDirectory.appendingPathComponent("notes/draft.md"))
        let result = try await fixture.store.write("mayor", message: "Add a deep file") { worktree in
            try FileSystem.writeAtomically("new\n", to: worktree.appendingPathComponent("fresh/deep/a.md"))
            return ["fresh/deep/a.md"]
        }
        #expect(result.tookAlong == ["notes/draft.md"])
        #expect(try await fixture.git("show hooks/mayor:fresh/deep/a.md") == "new\n")
        #expect(HookStore.isOwn("fresh/deep/a.md", paths: ["fresh/deep/a.md"]))
        #expect(HookStore.isOwn("fresh/deep/.a.md.tmp-4242-17", paths: ["fresh/deep/a.md"]))
        #expect(HookStore.isOwn(".job.md.tmp-1-2", paths: ["job.md"]))
        #expect(!HookStore.isOwn("fresh/", paths: ["fresh/deep/a.md"]))
        #expect(!HookStore.isOwn("notes/draft.md", paths: ["fresh/deep/a.md"]))
        #expect(!HookStore.isOwn("fresh/.a.md.tmp-4242-17", paths: ["fresh/deep/a.md"]), "another folder's file of that name")
        #expect(!HookStore.isOwn("fresh/deep/.a.md.tmp-1/b", paths: ["fresh/deep/a.md"]))
        #expect(!HookStore.isOwn("fresh/deep/a.md.bak", paths: ["fresh/deep/a.md"]))
    }

    @Test func recoveryCommitsWhatACrashLeftAndSaysSo() async throws {
        let fixture = try await TestTown()
        let mayor = fixture.town.mayorDirectory
        // A writer killed after writing, before committing, leaves exactly this.
        try FileSystem.writeAtomically("half-done\n", to: mayor.appendingPathComponent("work/interrupted.md"))
        let recovered = try await fixture.store.recoverUncommitted("mayor")
        #expect(recovered?.commit != nil)
        #expect(try await fixture.git("log -1 --format=%s hooks/mayor").hasPrefix("Recover uncommitted changes"))
        #expect(try await fixture.git("show hooks/mayor:work/interrupted.md") == "half-done\n")
        #expect(try await fixture.store.recoverUncommitted("mayor") == nil)
    }

    @Test func aWriteWaitsWhileTheAgentsGitHoldsTheIndexLockAndNeverDeletesIt() async throws {
        let fixture = try await TestTown()
        let lock = URL(fileURLWithPath: try await fixture.git("rev-parse --git-path index.lock", in: fixture.town.mayorDirectory)
            .trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: fixture.town.mayorDirectory).standardizedFileURL
        // The agent's git holds the worktree's index lock.
        try Data().write(to: lock)
        // The committer logs each retry it makes because of the lock, then sleeps on the environment's
        // clock. On a manual clock each retry waits until the test steps time: the test sees every
        // retry as it goes to sleep and checks the lock and the branch then, with no wall-clock window
        // that a loaded machine could close before the checks ran.
        let clock = ManualWallClock(Date())
        let log = CapturedLog()
        var environment = fixture.environment
        environment.clock = clock
        environment.logger = Logger(label: "gw-test") { _ in CapturingLogHandler(log: log) }
        let store = HookStore(environment: environment, town: fixture.town, settings: HooksSettings())
        let write = Task { try await store.put("mayor", name: "waited.md", data: Data("w".utf8)) }
        let retry = "hook worktree locked by another git; retrying"
        func nextRetry() async throws {
            try await pollUntil("the write's next retry, asleep on the clock", context: { "; log:\n\(log.text)" }) { () -> Bool? in
                clock.sleeperDeadlines.isEmpty ? nil : true
            }
        }
        // Three retries: each met the lock again and waited, instead of committing or removing it.
        for retries in 1...3 {
            try await nextRetry()
            #expect(log.text.components(separatedBy: retry).count - 1 == retries, "log:\n\(log.text)")
            #expect(FileSystem.exists(lock), "Gateway must never remove a lock another git holds")
            #expect(try await fixture.commitCount("mayor") == 1, "no commit while the lock is held")
            clock.advance(by: 1)
        }
        try await nextRetry()
        try FileManager.default.removeItem(at: lock)
        clock.advance(by: 1)
        let result = try await write.value
        #expect(result.commit != nil)
        #expect(try await fixture.commitCount("mayor") == 2)
    }

    @Test func aLockHeldPastTheWaitIsAnErrorNamingIt() async throws {
        var settings = HooksSettings()
        settings.lockWait = .seconds(1)
        let fixture = try await TestTown()
        let lockPath = try await fixture.git("rev-parse --git-path index.lock", in: fixture.town.mayorDirectory).trimmingCharacters(in: .whitespacesAndNewlines)
        let lock = URL(fileURLWithPath: lockPath, relativeTo: fixture.town.mayorDirectory).standardizedFileURL
        try Data().write(to: lock)
        await #expect { try await fixture.hookStore(settings: settings).put("mayor", name: "x.md", data: Data("x".utf8)) } throws: { error in
            (error as? GatewayError)?.message.contains("held a lock") == true
        }
        #expect(FileSystem.exists(lock))
    }

    @Test func pushesToTheRemoteAndRecordsAFailedPushWithoutFailingTheWrite() async throws {
        let remoteDirectory = TemporaryDirectory("gw-remote")
        try await shell("git init -q --bare remote.git", in: remoteDirectory.url)
        var settings = HooksSettings()
        settings.remote = remoteDirectory.path("remote.git").path
        let fixture = try await TestTown()
        let pushed = try await fixture.hookStore(settings: settings).put("mayor", name: "a.md", data: Data("a".utf8))
        #expect(pushed.pushError == nil)
        let local = try await fixture.git("rev-parse hooks/mayor")
        await #expect(try shell("git rev-parse hooks/mayor", in: remoteDirectory.path("remote.git")) == local)

        var broken = settings
        broken.remote = remoteDirectory.path("missing.git").path
        broken.pushAttempts = 2
        let store = HookStore(environment: fixture.environment, town: fixture.town, settings: broken)
        let failed = try await store.put("mayor", name: "b.md", data: Data("b".utf8))
        #expect(failed.commit != nil, "the local commit stands")
        #expect(failed.pushError != nil)
        let record = try await store.show("mayor").lastPush
        #expect(record?.succeeded == false)
        #expect(record?.attempts == 2)
    }

    @Test func masksCredentialsOfTheRemote() {
        let masked = HookPusher.mask("fatal: https://bot:s3cret@example.com/x.git not found", remote: "https://bot:s3cret@example.com/x.git")
        #expect(!masked.contains("s3cret"))
    }

    @Test func lockContentionIsRecognisedFromGitsWords() {
        #expect(HookCommitter.isLockContention("fatal: Unable to create '/t/.git/worktrees/mayor/index.lock': File exists."))
        #expect(HookCommitter.isLockContention("error: cannot lock ref 'HEAD': is at 1 but expected 2"))
        #expect(!HookCommitter.isLockContention("fatal: not a git repository"))
    }
}
