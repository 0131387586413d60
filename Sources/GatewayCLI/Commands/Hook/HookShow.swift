import ArgumentParser
import Foundation
import GatewayKit
import GatewayHooks

struct HookShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a hook: its files, uncommitted changes, last commits and last push.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The agent (mayor, or a polecat's name).") var agent: String
    @Option(help: "How many recent commits to show.") var commits = 10

    func run() async throws {
        let environment = global.environment
        let details = try await global.hookStore(environment).show(agent, commits: commits)
        if format.json { return environment.output.line(try JSONOutput.render(details)) }
        var lines = ["Hook of \(details.agent): \(details.path) (branch \(details.branch))", "Files:"]
        lines += details.files.map { "  \($0.path)  \($0.size) bytes" }
        if !details.uncommitted.isEmpty {
            lines.append("Uncommitted (the next write commits them along):")
            lines += details.uncommitted.map { "  \($0)" }
        }
        lines.append("Last commits:")
        lines += details.commits.map { "  \($0.commit)  \($0.date)  \($0.subject)" }
        if let push = details.lastPush {
            lines.append(push.succeeded ? "Last push: ok at \(push.at)" : "Last push: FAILED at \(push.at) after \(push.attempts) attempts: \(push.error ?? "")")
        }
        environment.output.line(lines.joined(separator: "\n"))
    }
}
