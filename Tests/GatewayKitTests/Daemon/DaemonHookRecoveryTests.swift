import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
import GatewayTestSupport

/// A writer killed between its edit and its commit leaves the change in the hook's worktree: the next
/// daemon commits it at start, in every hook, and says so in the commit and in its log.
@Suite(.serialized) struct DaemonHookRecoveryTests {
    @Test func theDaemonCommitsWhatEachHookLeftUncommittedWhenItStarts() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        // The town's git identity came from this machine's when it was installed; the daemon's HOME has none.
        _ = try await git(["config", "user.name", "Gateway test"], in: town.town.root)
        _ = try await git(["config", "user.email", "test@localhost"], in: town.town.root)
        let work = town.directory.path("task.md")
        try "scout the river\n".write(to: work, atomically: true, encoding: .utf8)
        let put = try await town.gw(["hook", "put", "scout", work.path])
        #expect(put.succeeded, "\(put.stdout)\(put.stderr)")
        let scout = Hook(agent: "scout", town: town.town).worktree
        try FileSystem.writeAtomically("half-done\n", to: town.town.mayorDirectory.appendingPathComponent("work/interrupted.md"))
        try FileSystem.writeAtomically("half-done too\n", to: scout.appendingPathComponent("work/interrupted.md"))

        let daemon = try town.spawnDaemon()
        for agent in ["mayor", "scout"] {
            let subject = try await town.wait("the hook of \(agent) recovered") { () -> String? in
                let subject = try await git(["log", "-1", "--format=%s", "hooks/\(agent)"], in: town.town.root)
                return subject.hasPrefix("Recover uncommitted changes") ? subject : nil
            }
            #expect(subject.contains("found at start"))
            #expect(try await git(["show", "hooks/\(agent):work/interrupted.md"], in: town.town.root).hasPrefix("half-done"))
            #expect(try await git(["status", "--porcelain"], in: Hook(agent: agent, town: town.town).worktree).isEmpty)
        }
        try await town.wait("the recovery in the log") {
            town.daemonLog.contains("recovered uncommitted changes in the hook of scout") ? true : nil
        }
        #expect(town.daemonLog.contains("hook of mayor as commit"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    private func git(_ arguments: [String], in directory: URL) async throws -> String {
        let result = try await LiveProcessRunner().run(Command("git", ["-C", directory.path] + arguments))
        guard result.succeeded else { throw GatewayError("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }
}
