import ArgumentParser
import Foundation
import GatewayKit

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the town: ledger, backups, hooks, locks, tmux, agents, file modes and secrets; exit 1 on a problem.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    @Flag(name: .long, help: "Restore a lost or damaged ledger from its latest backup (possible duplicates held, the gap reported) and make Gateway's files owner-only, then check again.")
    var repair = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let repairs = repair ? try await DoctorRepair(environment: environment, town: town).repair() : []
        var report = await Doctor(environment: environment, town: town).check()
        report.repairs = repairs
        environment.output.line(format.json ? try JSONOutput.render(report) : report.text)
        if report.worst == .problem { throw ExitCode(1) }
    }
}
