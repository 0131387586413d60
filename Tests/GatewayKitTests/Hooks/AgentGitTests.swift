import Foundation
import Testing
@testable import GatewayCore
@testable import GatewayHooks
@testable import GatewayKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatewayTestSupport

/// The `git` on agents' PATH: it waits for the hook's lock inside the town's hook worktrees, and only
/// there; both of its ways to take the lock (flock(1), `gw hook lock-exec`) behave alike.
@Suite struct AgentGitTests {
    struct Fixture {
        let hooks: TestTown
        let agentGit: AgentGit
        let marker: URL
        let usesFlock: Bool

        init(flock: Bool) async throws {
            usesFlock = flock
            hooks = try await TestTown()
            agentGit = AgentGit(town: hooks.town)
            try agentGit.install(realGit: try #require(ExecutableLookup.find("git")),
                                 flock: flock ? try flockProgram() : nil,
                                 gatewayExecutable: try builtProduct("gw").path)
            marker = hooks.directory.path("finished")
        }

        /// Starts `git ARGS` through the agents' git in `folder`; it writes its exit status to `marker`.
        func startGit(_ arguments: String, in folder: URL) throws -> BackgroundProcess {
            let script = "cd '\(folder.path)' && PATH='\(agentGit.directory.path)':$PATH git \(arguments); echo $? > '\(marker.path)'"
            return try BackgroundProcess(["/bin/sh", "-c", script], outputFile: hooks.directory.path("git-output"))
        }

        /// git's exit status once it has finished, else nil.
        var status: String? {
            guard let text = try? String(contentsOf: marker, encoding: .utf8), text.hasSuffix("\n") else { return nil }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func finishedStatus(within seconds: Double) async throws -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let status { return status }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            return nil
        }

        /// Whether git has still not finished once it provably waits for `lock`. With flock(1) the
        /// kernel lists it blocked on the lock (or git finishes first: the failure, seen at once).
        /// `gw hook lock-exec` polls the lock without blocking instead, which /proc/locks does not list:
        /// it is seen waiting as a lock-exec with the lock file open and no git started under it.
        func waitsFor(_ lock: URL) async throws -> Bool {
            guard usesFlock else {
                try await pollUntil("gw hook lock-exec to open \(lock.lastPathComponent), or git to finish", timeout: 240) { () -> Bool? in
                    let waiting = KernelFacts.processes(commandLineContaining: "hook lock-exec", withOpen: lock)
                    return waiting.contains { KernelFacts.children(of: $0).isEmpty } || status != nil ? true : nil
                }
                return status == nil
            }
            try await pollUntil("git to block on \(lock.lastPathComponent), or to finish", timeout: 240) { () -> Bool? in
                try KernelFacts.flockWaiters(on: lock).contains { $0.contains("flock") } || status != nil ? true : nil
            }
            return status == nil
        }

        var output: String { (try? String(contentsOf: hooks.directory.path("git-output"), encoding: .utf8)) ?? "" }
    }

    @Test(arguments: [true, false])
    func gitInAHookWaitsWhileGatewayHoldsItsLock(flock: Bool) async throws {
        let fixture = try await Fixture(flock: flock)
        let lock = try HeldLock(fixture.hooks.store.lockFile(for: "mayor"))
        let git = try fixture.startGit("commit --allow-empty -q -m 'agent commit'", in: fixture.hooks.town.mayorDirectory)
        defer { git.stop() }
        #expect(try await fixture.waitsFor(lock.url), "git ran while the hook's lock was held: \(fixture.output)")
        lock.release()
        #expect(try await fixture.finishedStatus(within: 90) == "0", "\(fixture.output)")
        #expect(try await fixture.hooks.git("log -1 --format=%s hooks/mayor") == "agent commit\n")
    }

    /// `git -c key=value -C mayor …` run from elsewhere works in the hook, so it waits too.
    @Test(arguments: [true, false])
    func leadingOptionsNameTheFolderGitWorksIn(flock: Bool) async throws {
        let fixture = try await Fixture(flock: flock)
        let lock = try HeldLock(fixture.hooks.store.lockFile(for: "mayor"))
        let git = try fixture.startGit("-c core.quotepath=false -C mayor status --short", in: fixture.hooks.town.root)
        defer { git.stop() }
        #expect(try await fixture.waitsFor(lock.url), "git ran while the hook's lock was held: \(fixture.output)")
        lock.release()
        #expect(try await fixture.finishedStatus(within: 90) == "0", "\(fixture.output)")
    }

    /// Outside the hooks (the town repo itself, a polecat's rig worktree) git never waits.
    @Test(arguments: [true, false])
    func gitOutsideHooksNeverWaits(flock: Bool) async throws {
        let fixture = try await Fixture(flock: flock)
        let lock = try HeldLock(fixture.hooks.store.lockFile(for: "mayor"))
        defer { lock.release() }
        let git = try fixture.startGit("status --short", in: fixture.hooks.town.root)
        defer { git.stop() }
        #expect(try await fixture.finishedStatus(within: 90) == "0", "\(fixture.output)")
    }

    /// A polecat's hook under `.gateway/hooks/<agent>` waits on that agent's lock, not the Mayor's.
    @Test func aPolecatHookWaitsOnItsOwnLock() async throws {
        let fixture = try await Fixture(flock: true)
        let hook = try await fixture.hooks.store.ensureHook("nux")
        let inside = hook.worktree.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        let mayorLock = try HeldLock(fixture.hooks.store.lockFile(for: "mayor"))
        defer { mayorLock.release() }
        let nuxLock = try HeldLock(fixture.hooks.store.lockFile(for: "nux"))
        let git = try fixture.startGit("status --short", in: inside)
        defer { git.stop() }
        #expect(try await fixture.waitsFor(nuxLock.url), "git ran while nux's lock was held: \(fixture.output)")
        nuxLock.release()
        #expect(try await fixture.finishedStatus(within: 90) == "0", "\(fixture.output)")
    }

    /// Gateway run from an agent's hook inherits the agent's PATH, yet its own git is the real one:
    /// the agents' git would wait for the lock that very Gateway holds.
    @Test func gatewaysOwnLookupSkipsTheAgentsGit() async throws {
        let fixture = try await Fixture(flock: true)
        let real = try #require(ExecutableLookup.find("git"))
        let agentPath = fixture.agentGit.path(prepending: ProcessInfo.processInfo.environment["PATH"])
        #expect(agentPath.hasPrefix(fixture.agentGit.directory.path + ":"))
        #expect(ExecutableLookup.find("git", path: agentPath) == real)
    }

    @Test func lockExecPassesTheExitStatusOnAndRunsAnywayAfterItsWait() async throws {
        let directory = TemporaryDirectory("gw-lock-exec")
        let lockFile = directory.path("held.lock")
        let status = try await runProduct("gw", ["hook", "lock-exec", "--lock", lockFile.path, "--", "/bin/sh", "-c", "echo out; exit 7"])
        #expect(status.status == 7)
        #expect(status.stdout == "out\n")
        let lock = try HeldLock(lockFile)
        defer { lock.release() }
        let started = Date()
        let late = try await runProduct("gw", ["hook", "lock-exec", "--lock", lockFile.path, "--wait", "0.5", "--", "/bin/sh", "-c", "exit 0"])
        #expect(late.status == 0)
        #expect(Date().timeIntervalSince(started) >= 0.5)
    }

    /// The script names its town in shell code: a town path whose second line is a command must stay
    /// a path (install refuses such towns; the script must be safe all the same), and a path full of
    /// shell syntax must still be recognised as the town.
    @Test func aTownPathIsNeverReadAsShellCode() async throws {
        let directory = TemporaryDirectory("gw-agent-git-path")
        let marker = directory.path("ran")
        let hostile = directory.path("town\ntouch \(marker.path)\n$(touch \(marker.path)) `touch \(marker.path)`; it's #x")
        let town = Town(root: hostile)
        try FileManager.default.createDirectory(at: town.mayorDirectory, withIntermediateDirectories: true)
        let agentGit = AgentGit(town: town)
        try agentGit.install(realGit: try #require(ExecutableLookup.find("git")), flock: try flockProgram(),
                             gatewayExecutable: try builtProduct("gw").path)
        let version = try await shell("\(ShellQuote.word(agentGit.script.path)) --version", in: directory.url)
        #expect(version.hasPrefix("git version"))
        // Inside the town's Mayor folder it takes the Mayor's lock, which only a script that read the
        // town's path whole can name.
        _ = try await shell("cd \(ShellQuote.word(town.mayorDirectory.path)) && \(ShellQuote.word(agentGit.script.path)) --version", in: directory.url)
        #expect(FileSystem.exists(town.runtimeDirectory.appendingPathComponent("hook-state/mayor.lock")))
        #expect(!FileSystem.exists(marker), "a line of the town's path ran as a command")
    }

    /// Claude Code's Bash tool rebuilds PATH from the login shell; the SessionStart hook's env file puts
    /// the agents' git back in front, once per session however often the session starts.
    @Test func theClaudeSessionFileGetsThePathLineOnce() async throws {
        let directory = TemporaryDirectory("gw-env-file")
        let agentGit = AgentGit(town: Town(root: directory.path("town")))
        let file = directory.path("session-env")
        try "export FROM_ANOTHER_HOOK=1".write(to: file, atomically: true, encoding: .utf8)
        #expect(try agentGit.exportToClaudeSession(envFile: file.path))
        #expect(try agentGit.exportToClaudeSession(envFile: file.path))
        #expect(try String(contentsOf: file, encoding: .utf8) == "export FROM_ANOTHER_HOOK=1\n\(agentGit.exportLine)\n")
        #expect(try !agentGit.exportToClaudeSession(envFile: nil))
        let path = try await shell(". '\(file.path)'; printf %s \"$PATH\"", in: directory.url)
        #expect(path.hasPrefix(agentGit.directory.path + ":"))
    }
}
