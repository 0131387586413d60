import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// `gw mayor restart` on a town whose only tmux session is the Mayor: stopping it makes the town's
/// tmux server exit a moment later, and the start that follows must not land on that dying server.
@Suite(.serialized) struct MayorRestartTests {
    @Test func restartingTheOnlySessionAgainAndAgainAlwaysLeavesTheMayorRunning() async throws {
        let town = try await ScreenInterruptedDeliveryTests.replTown()
        defer { town.close() }
        for round in 1...12 {
            let restart = try await town.gw(["mayor", "restart"])
            #expect(restart.succeeded, "round \(round): \(restart.stdout)\(restart.stderr)")
            let sessions = try await town.tmux(["list-sessions", "-F", "#{session_name}"])
            #expect(sessions.succeeded && sessions.stdout == "mayor\n", "round \(round): \(sessions.stdout)\(sessions.stderr)")
            if !restart.succeeded { break }
        }
        let answer = try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", "still there"])
        #expect(answer.stdout == "answer: still there\n", "\(answer.stderr)")
    }
}

extension MayorRestartTests {
    /// The race made certain: the first new-session succeeds (exit 0, as tmux 3.3 may say) and the
    /// server is gone the moment after, as when it was already on its way out. The start must notice
    /// and make the session again rather than fail on its next tmux command or leave no Mayor.
    @Test func aNewSessionLostToAnExitingServerIsMadeAgain() async throws {
        let town = try await ScreenInterruptedDeliveryTests.replTown()
        defer { town.close() }
        await #expect(try town.gw(["mayor", "stop"]).succeeded)
        let runner = ServerDyingAfterFirstNewSession(socket: town.town.tmuxSocket)
        var environment = town.environment
        environment.processes = runner
        let lifecycle = AgentLifecycle(runtime: .mayor(environment: environment, town: town.town, config: try town.town.loadConfig()))
        let outcome = try await lifecycle.start()
        #expect(outcome != .alreadyRunning)
        #expect(runner.newSessions == 2, "made again after the server died")
        #expect(try await town.tmux(["has-session", "-t", "=mayor"]).succeeded)
        #expect(try await town.tmux(["show-options", "-w", "-v", "-t", "=mayor:", "remain-on-exit"]).stdout == "on\n")
    }
}

/// Runs commands for real; after the first `new-session` it kills the tmux server it started.
final class ServerDyingAfterFirstNewSession: ProcessRunning, @unchecked Sendable {
    let socket: String
    private let lock = NSLock()
    private var count = 0

    init(socket: String) { self.socket = socket }

    var newSessions: Int { lock.withLock { count } }

    func run(_ command: Command) async throws -> ProcessResult {
        let result = try await LiveProcessRunner().run(command)
        guard command.arguments.contains("new-session") else { return result }
        let first = lock.withLock {
            count += 1
            return count == 1
        }
        if first { _ = try await LiveProcessRunner().run(Command("tmux", ["-L", socket, "kill-server"])) }
        return result
    }
}
