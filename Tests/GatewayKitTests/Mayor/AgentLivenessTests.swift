import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GatewayCore
@testable import GatewayAgents
import GatewayKit
import GatewayTestSupport

/// The health check's cheap look: a process's identity read from the kernel, and the agent's pane
/// proven live without a tmux client until something looks wrong.
@Suite(.serialized) struct AgentLivenessTests {
    @Test func aProcessIsKnownUntilItExitsAndAZombieCountsAsGone() async throws {
        let me = try #require(ProcessIdentity.current(getpid()))
        #expect(me.isAlive)
        #expect(ProcessIdentity(pid: me.pid, startTime: me.startTime + 1).isAlive == false, "another start time is another process")

        let child = try Spawn.start("/bin/sh", ["-c", "exit 0"])
        // Not waited for: it stays a zombie, which kill(pid, 0) still finds but which runs nothing.
        try await waitUntil(timeout: 30, "the child to exit") { ProcessIdentity.current(child) == nil }
        #expect(kill(child, 0) == 0, "still a zombie: the identity said gone before it was collected")
        _ = try await Spawn.waitForExit(child)
        #expect(ProcessIdentity.current(child) == nil)
        #expect(ProcessIdentity.current(0) == nil && ProcessIdentity.current(-1) == nil)
    }

    @Test func theStatLineIsReadPastACommandNameWithSpacesAndParentheses() {
        // Fields 4 to 52 hold their own numbers.
        let fields = (4...52).map(String.init).joined(separator: " ")
        let running = ProcessIdentity.parseLinuxStat("42 (a) b (c) S \(fields)", pid: 42)
        // After ")": state is field 3, the start time field 22.
        #expect(running == ProcessIdentity(pid: 42, startTime: 22))
        #expect(ProcessIdentity.parseLinuxStat("42 (a) Z \(fields)", pid: 42) == nil)
        #expect(ProcessIdentity.parseLinuxStat("42 (a) X \(fields)", pid: 42) == nil)
        #expect(ProcessIdentity.parseLinuxStat("42 (a) S 1 2 3", pid: 42) == nil)
    }

    /// The look the daemon repeats every health check: tmux once, then nothing spawned while the Mayor's
    /// pane and its server live; its death (with no hook to tell) and its server's are seen at once.
    @Test func theMayorIsProvenLiveWithoutTmuxUntilItDiesOrItsServerGoes() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        let first = try await town.waitForMayor()
        let runner = CountingProcessRunner()
        var environment = town.environment
        environment.processes = runner
        let lifecycle = AgentLifecycle(runtime: .mayor(environment: environment, town: town.town, config: try town.config))

        var check = AgentLivenessCheck()
        #expect(await check.isRunning(lifecycle))
        #expect(runner.count == 1)
        for _ in 1..<AgentLivenessCheck.askTmuxEvery { #expect(await check.isRunning(lifecycle)) }
        #expect(runner.count == 1, "looks after the first spawn nothing while the pane lives")
        // Now and then tmux is asked anyway: what the kernel cannot show (a session killed while its
        // process lives on) is still found.
        #expect(await check.isRunning(lifecycle))
        #expect(runner.count == 2)

        // A death no hook reports: the pane-died hook is switched off, and the pane stays, dead.
        #expect(try await town.tmux(["set-hook", "-u", "-t", "=mayor:", "pane-died"]).succeeded)
        kill(first, SIGKILL)
        try await town.wait("the pane's process gone") { ProcessIdentity.current(first) == nil ? true : nil }
        // The proof is broken at once; tmux may take a moment to mark the pane dead.
        #expect(lifecycle.stillRuns(try #require(check.proof)) == false)
        try await town.wait("the look to see the death") { await check.isRunning(lifecycle) ? nil : true }
        #expect(runner.count > 2, "the broken proof sent the look to tmux")

        // Running again (a respawn: another pid in the same pane), then the server killed.
        try await town.gwOK(["mayor", "restart"])
        let second = try await town.waitForMayor(not: first)
        #expect(await check.isRunning(lifecycle))
        let proof = try #require(await lifecycle.lookAtPane().proof)
        #expect(proof.pane.pid == second && lifecycle.stillRuns(proof))
        #expect(try await town.tmux(["kill-server"]).succeeded)
        try await town.wait("the server gone") { lifecycle.stillRuns(proof) ? nil : true }
        #expect(await check.isRunning(lifecycle) == false)
    }
}

/// The live runner, counting the commands it ran.
final class CountingProcessRunner: ProcessRunning {
    private let counted = LockedBox(0)
    var count: Int { counted.get() }

    func run(_ command: Command) async throws -> ProcessResult {
        counted.update { $0 += 1 }
        return try await LiveProcessRunner().run(command)
    }
}
