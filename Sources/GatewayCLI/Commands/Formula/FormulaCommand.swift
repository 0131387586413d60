import ArgumentParser

struct FormulaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formula", abstract: "Reusable work for agents: TOML checklists in formulas/, plus built-ins.",
        subcommands: [FormulaList.self, FormulaShow.self, FormulaRender.self])
}
