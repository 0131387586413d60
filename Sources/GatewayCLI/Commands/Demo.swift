import ArgumentParser
import Foundation
import GatewayKit

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Gateway's main job end to end on its built-in default, in a temporary town.")

    @Flag(help: "Leave the temporary town in place for inspection.") var keep = false
    @Flag(name: .long, help: "Print diagnostics on stderr.") var verbose = false

    func run() async throws {
        let environment = CommandContext.environment(verbose: verbose)
        let demo = DemoRun(environment: environment)
        try await demo.run(keep: keep)
    }
}
