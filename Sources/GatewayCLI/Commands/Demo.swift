import ArgumentParser
import Foundation
import GatewayKit
import GatewayDemo

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Gateway's main job end to end on its built-in default, in a temporary town.",
        discussion: """
            One heartbeat wakes the Mayor with the daily-news task and a task that finds nothing; Gateway stores \
            the finding in the daily log, commits it, and shows the notification on this terminal. The Mayor is \
            your Claude Code talking to gw-model-sim, a scripted model double (no account, no tokens, your own \
            Claude settings untouched), or gw-agent-sim, a terminal double, when Claude Code is not installed.
            """)

    @Option(help: "claude (Claude Code with the scripted model double) or sim (the terminal double); default: claude when installed.")
    var agent: String?
    @Flag(help: "Leave the temporary town in place for inspection.") var keep = false
    @Flag(name: .long, help: "Print diagnostics on stderr.") var verbose = false

    func validate() throws {
        if let agent, DemoRun.Agent(rawValue: agent) == nil {
            throw ValidationError("--agent must be claude or sim, not \(agent)")
        }
    }

    func run() async throws {
        let environment = CommandContext.environment(verbose: verbose)
        try await DemoRun(environment: environment).run(agent: agent.flatMap(DemoRun.Agent.init(rawValue:)), keep: keep)
    }
}
