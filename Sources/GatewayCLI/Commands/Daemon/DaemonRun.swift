import ArgumentParser
import Foundation
import GatewayKit

struct DaemonRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground until SIGTERM or SIGINT (what `gw daemon start` and the installed unit run).",
        discussion: "Logs go to stderr and to .gateway/daemon.log. Only one daemon runs per town.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let (daemon, lock) = try await Daemon.prepare(town: town, environment: environment, verbose: global.verbose)
        try await daemon.run(lock: lock)
    }
}
