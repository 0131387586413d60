import ArgumentParser
import Foundation
import GatewayKit

struct HookList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every agent's hook with its last commit.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let hooks = try await global.hookStore(environment).list()
        if format.json { return environment.output.line(try JSONOutput.render(hooks)) }
        for hook in hooks {
            let last = hook.last.map { "\($0.commit)  \($0.date)  \($0.subject)" } ?? "no commits"
            environment.output.line("\(hook.agent)\t\(hook.path ?? "(branch only, no worktree)")\t\(last)")
        }
    }
}
