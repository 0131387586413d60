import ArgumentParser
import GatewayKit
import GatewayCore
import GatewayWork

struct ConvoyShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a convoy's items: state, agent, start and end, and where the result is.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The convoy's id, as `gw convoy list` prints it.") var id: Int64

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        guard let convoy = try await Ledger(file: town.ledgerFile).convoy(id) else {
            throw GatewayError("no convoy \(id): see `gw convoy list`")
        }
        if format.json { return environment.output.line(try JSONOutput.render(convoy)) }
        let output = environment.output
        output.line("Convoy \(convoy.id) (\(convoy.kind)): \(convoy.title)")
        output.line("\(convoy.state.rawValue), \(ConvoyText.counts(convoy.counts)); created \(ConvoyText.time(convoy.createdAt)), closed \(ConvoyText.time(convoy.closedAt))")
        for item in convoy.items {
            output.line("  \(item.index). [\(item.state.rawValue)] \(item.title)")
            output.line("     agent \(item.agent ?? "-"), started \(ConvoyText.time(item.startedAt)), ended \(ConvoyText.time(item.endedAt))")
            if let result = item.result { output.line("     result \(result.branch) @ \(result.commit)") }
            if let summary = item.summary { output.line("     \(summary)") }
            if let error = item.error { output.line("     error: \(error)") }
        }
    }
}
