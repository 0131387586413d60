import ArgumentParser
import Foundation
import GatewayKit

struct DaemonLogs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print the daemon's log (.gateway/daemon.log).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .short, help: "How many of the last lines to print.") var n = 50
    @Flag(name: .shortAndLong, help: "Keep printing new lines as they are written (stop with Ctrl-C).") var follow = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let file = DaemonLog.file(for: town)
        let lines = DaemonLog.tail(file, lines: n)
        if !lines.isEmpty { environment.output.line(lines.joined(separator: "\n")) }
        if !follow {
            if lines.isEmpty { environment.output.errorLine("gw: the daemon has not logged anything yet (\(file.path)); start it with `gw daemon start`") }
            return
        }
        try await DaemonLog.follow(file, clock: environment.clock) { environment.output.write($0) }
    }
}
