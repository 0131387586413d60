import ArgumentParser
import Foundation
import GatewayKit
import GatewayHooks

/// What the agents' `git` runs on machines without flock(1) (`AgentGit`): the command under a hook's lock.
struct HookLockExec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock-exec", abstract: "Run a command while holding a hook's lock; called by the agents' git.",
        shouldDisplay: false)

    @Option(help: "The lock file.") var lock: String
    @Option(help: "Seconds to wait for the lock before running the command anyway.") var wait: Double = Double(AgentGit.lockWaitSeconds)
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String]

    func run() async throws {
        let clock = CommandContext.environment(verbose: false).clock
        let status = try await LockedExec.run(lock: URL(fileURLWithPath: lock), wait: wait, argv: command, clock: clock)
        throw ExitCode(status)
    }
}
