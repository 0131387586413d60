import ArgumentParser
import GatewayKit

struct FormulaList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the town's formulas and the built-ins.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let listings = try FormulaLibrary(town: town).list()
        if format.json { return environment.output.line(try JSONOutput.render(listings)) }
        let width = listings.map(\.name.count).max() ?? 0
        for listing in listings {
            let name = listing.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let source = listing.overridesBuiltIn ? "town (overrides built-in)" : listing.source.rawValue
            let about = listing.problem.map { "BROKEN: \($0)" } ?? listing.description
            environment.output.line("\(name)  \(source)\t\(about)")
        }
    }
}
