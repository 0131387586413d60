import ArgumentParser
import GatewayKit
import GatewayWork

struct FormulaList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the town's formulas and the built-ins.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let listings = try FormulaLibrary(town: town).list()
        if format.json { return environment.output.line(try JSONOutput.render(listings)) }
        func source(_ listing: FormulaLibrary.Listing) -> String {
            listing.overridesBuiltIn ? "town (overrides built-in)" : listing.source.rawValue
        }
        let nameWidth = listings.map(\.name.count).max() ?? 0
        let sourceWidth = listings.map { source($0).count }.max() ?? 0
        for listing in listings {
            let name = listing.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let from = source(listing).padding(toLength: sourceWidth, withPad: " ", startingAt: 0)
            let about = listing.problem.map { "BROKEN: \($0)" } ?? listing.description
            environment.output.line("\(name)  \(from)  \(about)")
        }
    }
}
