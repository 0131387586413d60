import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayNotify
import GatewayHeartbeat

struct DaemonInstall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write a systemd user unit (Linux) or a launchd agent (macOS) that keeps the daemon running.",
        discussion: "The unit runs this gw with `daemon run --town DIR` and carries the current PATH, so the Mayor finds claude, tmux and git. It prints the command that enables it; it never runs it.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .customLong("print"), help: "Print the unit instead of writing it.") var printOnly = false
    @Option(help: "systemd or launchd (default: this platform's).") var kind: String?

    func validate() throws {
        if let kind, DaemonUnit.Kind(rawValue: kind) == nil {
            throw ValidationError("--kind must be systemd or launchd, not \"\(kind)\"")
        }
    }

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        // The unit names the town's folder on its own line: a folder no quoting makes safe is refused.
        try TownPath.check(town.root)
        let unit = DaemonUnit.make(town: town, townName: town.name(config), executable: environment.executablePath,
                                   variables: environment.variables, kind: kind.flatMap(DaemonUnit.Kind.init(rawValue:)))
        if printOnly {
            environment.output.write(unit.text)
            return
        }
        try unit.write()
        environment.output.line("Wrote \(unit.path.path).\nEnable it with:\n  \(unit.enableCommand)")
    }
}
