import ArgumentParser
import GatewayKit
import GatewayWork

struct FormulaRender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Print the exact prompt an agent gets for a formula.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The formula's name.") var name: String
    @Option(name: .customLong("var"), help: ArgumentHelp("A variable's value; repeat for each.", valueName: "name=value"))
    var variables: [String] = []

    func run() async throws {
        let environment = global.environment
        let values = try FormulaArguments.parse(variables)
        let town = try global.locateTown(environment)
        let prompt = try FormulaLibrary(town: town).load(name).render(variables: values)
        environment.output.write(prompt)
    }
}
