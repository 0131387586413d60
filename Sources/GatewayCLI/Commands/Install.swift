import ArgumentParser
import Foundation
import GatewayKit

struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Make a town: a git repo with gateway.toml, HEARTBEAT.md, formulas/ and the Mayor's hook.")

    @Argument(help: ArgumentHelp("Where to make the town.", valueName: "dir"))
    var directory: String

    @Flag(help: "Accepted for the design's `install ~/gt --git`: a town is always a git repo.")
    var git = false

    @Option(help: "The town's display name (default: the folder's name).")
    var name: String?

    @Flag(help: "Install into a folder that already holds other files.")
    var force = false

    @Flag(name: .long, help: "Print diagnostics on stderr.")
    var verbose = false

    func run() async throws {
        let environment = CommandContext.environment(verbose: verbose)
        let target = environment.resolve(directory)
        switch try await TownInstaller(environment: environment).install(at: target, name: name, force: force) {
        case .alreadyInstalled(let town):
            environment.output.line("\(town.root.path) is already a Gateway town; nothing changed.")
        case .created(let town):
            environment.output.line("""
                Installed a Gateway town at \(town.root.path)
                  gateway.toml   settings, every one shown at its default
                  HEARTBEAT.md   the Mayor's standing tasks
                  formulas/      task templates
                  mayor/         the Mayor's hook (branch hooks/mayor): MEMORY.md, memory/
                Next: `cd \(town.root.path) && gw rig add NAME SOURCE`, then `gw status`.
                """)
        }
    }
}
