import ArgumentParser
import Foundation
import GatewayKit

struct HookLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Show the history of an agent's hook, newest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The agent.") var agent: String
    @Option(help: "How many commits.") var limit = 20

    func run() async throws {
        let environment = global.environment
        let commits = try await global.hookStore(environment).log(agent, limit: limit)
        if format.json { return environment.output.line(try JSONOutput.render(commits)) }
        for commit in commits { environment.output.line("\(commit.commit)  \(commit.date)  \(commit.subject)") }
    }
}
