import ArgumentParser
import GatewayKit
import GatewayWork

struct FormulaShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a formula's variables and steps, in the order an agent works them.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The formula's name.") var name: String

    /// `--json` shape: the formula with its steps already in working order.
    struct Shape: Encodable {
        var name: String
        var source: FormulaSource
        var file: String
        var version: Int?
        var description: String
        var variables: [FormulaVariable]
        var steps: [FormulaStep]
    }

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let formula = try FormulaLibrary(town: town).load(name)
        if format.json {
            return environment.output.line(try JSONOutput.render(Shape(
                name: formula.name, source: formula.source, file: formula.file, version: formula.version,
                description: formula.description, variables: formula.variables, steps: formula.orderedSteps)))
        }
        let output = environment.output
        output.line("\(formula.name) (\(formula.source.rawValue), \(formula.file)\(formula.version.map { ", version \($0)" } ?? ""))")
        if !formula.description.isEmpty { output.line(formula.description) }
        output.line()
        output.line(formula.variables.isEmpty ? "Variables: none" : "Variables:")
        let width = formula.variables.map(\.name.count).max() ?? 0
        for variable in formula.variables {
            let name = variable.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let value = variable.required ? "required" : variable.defaultValue.map { "default \"\($0)\"" } ?? "optional"
            output.line("  \(name)  (\(value))  \(variable.description)")
        }
        output.line()
        output.line("Steps:")
        for (number, step) in formula.orderedSteps.enumerated() {
            let needs = step.needs.isEmpty ? "" : "  (needs \(step.needs.joined(separator: ", ")))"
            output.line("  \(number + 1). \(step.id): \(step.title)\(needs)")
        }
    }
}
