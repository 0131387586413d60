import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

@Suite struct FormulaLibraryTests {
    @Test func everyBuiltInParsesAndRendersWithEachStepChecked() throws {
        let folder = TemporaryDirectory()
        let library = FormulaLibrary(town: Town(root: folder.url))
        #expect(BuiltInFormulas.all.keys.sorted() == ["bug-fix", "code-review", "daily-news", "dependency-audit", "memory-organize"])
        for name in BuiltInFormulas.all.keys {
            let formula = try library.load(name)
            #expect(formula.source == .builtIn)
            #expect(formula.file == "built-in/\(name).toml")
            #expect(formula.steps.count >= 3, "\(name) has too few steps to be useful")
            #expect(formula.steps.allSatisfy { !$0.acceptance.isEmpty }, "\(name) has a step without an acceptance line")
            let required = Dictionary(uniqueKeysWithValues: formula.variables.filter(\.required).map { ($0.name, "VALUE-\($0.name)") })
            let prompt = try formula.render(variables: required)
            #expect(!prompt.contains("{{"), "\(name) left a placeholder unfilled")
            #expect(prompt.hasPrefix("# Formula: \(name)"))
            #expect(prompt.components(separatedBy: "   Acceptance: ").count - 1 == formula.steps.count)
        }
    }

    @Test func dailyNewsFollowsTheOwnersTask() throws {
        let folder = TemporaryDirectory()
        let prompt = try FormulaLibrary(town: Town(root: folder.url)).load("daily-news").render(variables: ["topic": "AI", "count": "5"])
        #expect(prompt.contains("1. [ ] Search today's AI news"))
        #expect(prompt.contains("2. [ ] Pick the 5 most important"))
        #expect(prompt.contains("memory/YYYY-MM-DD.md"))
        #expect(prompt.contains("5. [ ] Notify the owner only for a major breakthrough"))
    }

    @Test func memoryOrganizeIsAppendOnly() throws {
        let folder = TemporaryDirectory()
        let prompt = try FormulaLibrary(town: Town(root: folder.url)).load("memory-organize").render(variables: [:])
        #expect(prompt.contains("never delete"))
        #expect(prompt.contains("shows only added lines"))
    }

    @Test func aTownFileOverridesTheBuiltIn() throws {
        let folder = TemporaryDirectory()
        let town = Town(root: folder.url)
        try FileManager.default.createDirectory(at: town.formulasDirectory, withIntermediateDirectories: true)
        try """
            formula = "daily-news"
            description = "Our own news round."
            [[steps]]
            id = "only"
            title = "Read one site"
            acceptance = "Done."
            """.write(to: town.formulasDirectory.appendingPathComponent("daily-news.toml"), atomically: true, encoding: .utf8)
        try "[[steps]]\nid = \"a\"\n".write(to: town.formulasDirectory.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        try "not a formula".write(to: town.formulasDirectory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)

        let library = FormulaLibrary(town: town)
        let formula = try library.load("daily-news")
        #expect(formula.source == .town)
        #expect(formula.file == "formulas/daily-news.toml")
        #expect(formula.steps.map(\.id) == ["only"])

        let listings = try library.list()
        #expect(listings.map(\.name) == ["broken", "daily-news", "bug-fix", "code-review", "dependency-audit", "memory-organize"])
        #expect(listings[0].problem == "formulas/broken.toml:1: steps.0: step \"a\" has no title: add title = \"...\"")
        #expect(listings[1] == FormulaLibrary.Listing(name: "daily-news", source: .town, description: "Our own news round.", problem: nil, overridesBuiltIn: true))
        #expect(listings[2].source == .builtIn)

        let broken = gatewayFailure { _ = try library.load("broken") }
        #expect(broken?.exit == .config)
    }

    @Test func theExampleInTheTownsFormulasReadmeIsAValidFormula() throws {
        let example = TownTemplates.formulasNote.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("    ") || $0.isEmpty }.map { $0.dropFirst(min(4, $0.count)) }.joined(separator: "\n")
        let formula = try parseFormula(example, name: "weekly-report")
        #expect(formula.orderedSteps.map(\.id) == ["gather", "write"])
        #expect(try formula.render(variables: ["project": "api"]).contains("1. [ ] Read this week's commits in api"))
    }

    @Test func unknownAndInvalidNames() {
        let folder = TemporaryDirectory()
        let library = FormulaLibrary(town: Town(root: folder.url))
        let unknown = gatewayFailure { _ = try library.load("weekly") }
        #expect(unknown?.message == "no formula named \"weekly\" (known: bug-fix, code-review, daily-news, dependency-audit, memory-organize): add formulas/weekly.toml to the town or see `gw formula list`")
        let invalid = gatewayFailure { _ = try library.load("../secrets") }
        #expect(invalid?.exit == .usage)
    }
}
