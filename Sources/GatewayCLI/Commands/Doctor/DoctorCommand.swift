import ArgumentParser
import Foundation
import GatewayKit

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the town: ledger, backups, hooks, locks, tmux, agents, file modes and secrets; exit 1 on a problem.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let report = await Doctor(environment: environment, town: town).check()
        environment.output.line(format.json ? try JSONOutput.render(report) : report.text)
        if report.worst == .problem { throw ExitCode(1) }
    }
}
