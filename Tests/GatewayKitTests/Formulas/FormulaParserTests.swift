import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayWork
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct FormulaParserTests {
    @Test func readsEveryField() throws {
        let formula = try parseFormula("""
            formula = "t"
            description = "Greets {{who}}."
            version = 2

            [vars.who]
            description = "Whom to greet."
            required = true

            [vars.tone]
            default = "warm"

            [[steps]]
            id = "greet"
            title = "Say hello to {{who}}"
            description = '''
            Be {{tone}}.'''
            needs = []
            acceptance = "{{who}} answered."
            """)
        #expect(formula.name == "t")
        #expect(formula.description == "Greets {{who}}.")
        #expect(formula.version == 2)
        #expect(formula.source == .town)
        #expect(formula.variables.map(\.name) == ["tone", "who"])
        #expect(formula.variable("who") == FormulaVariable(name: "who", description: "Whom to greet.", required: true, defaultValue: nil, line: 5))
        #expect(formula.variable("tone")?.defaultValue == "warm")
        #expect(formula.steps == [FormulaStep(id: "greet", title: "Say hello to {{who}}", description: "Be {{tone}}.", needs: [],
                                              acceptance: "{{who}} answered.", line: 12)])
    }

    @Test func ordersStepsByNeedsKeepingFileOrderForTies() throws {
        let formula = try parseFormula("""
            [[steps]]
            id = "report"
            title = "Report"
            needs = ["review", "test"]
            [[steps]]
            id = "test"
            title = "Test"
            needs = ["read"]
            [[steps]]
            id = "review"
            title = "Review"
            needs = ["read"]
            [[steps]]
            id = "read"
            title = "Read"
            """)
        #expect(formula.steps.map(\.id) == ["report", "test", "review", "read"])
        #expect(formula.orderedSteps.map(\.id) == ["read", "test", "review", "report"])
    }

    @Test func aFormulaWithoutNeedsKeepsFileOrder() throws {
        let formula = try parseFormula("""
            [[steps]]
            id = "b"
            title = "B"
            [[steps]]
            id = "a"
            title = "A"
            """)
        #expect(formula.orderedSteps.map(\.id) == ["b", "a"])
    }

    @Test func unknownVariableNamesTheLineItIsOn() {
        let problems = formulaProblems("""
            [vars.topic]
            default = "AI"

            [[steps]]
            id = "search"
            title = "Search {{topic}}"
            description = '''
            Look for news.
            Then write to {{ nope }} and {{topic}}.'''
            """)
        #expect(problems == "formulas/t.toml:9: steps.0.description: unknown variable {{ nope }}: declare it as [vars.nope] or fix the name (declared: topic)")
    }

    @Test func unknownVariableInTheFormulaDescription() {
        let problems = formulaProblems("""
            description = "About {{subject}}"
            [[steps]]
            id = "a"
            title = "A"
            """)
        #expect(problems == "formulas/t.toml:1: description: unknown variable {{subject}}: declare it as [vars.subject] or fix the name (none are declared)")
    }

    @Test func unknownStepInNeeds() {
        let problems = formulaProblems("""
            [[steps]]
            id = "a"
            title = "A"

            [[steps]]
            id = "b"
            title = "B"
            needs = ["a", "c"]
            """)
        #expect(problems == "formulas/t.toml:8: steps.1.needs: step \"b\" needs \"c\", which is no step here (steps: a, b)")
    }

    @Test func aCycleIsNamed() {
        let problems = formulaProblems("""
            [[steps]]
            id = "start"
            title = "Start"

            [[steps]]
            id = "a"
            title = "A"
            needs = ["start", "c"]

            [[steps]]
            id = "b"
            title = "B"
            needs = ["a"]

            [[steps]]
            id = "c"
            title = "C"
            needs = ["b"]
            """)
        #expect(problems == "formulas/t.toml:8: steps.1.needs: steps need each other in a cycle (each needs the next): a -> c -> b -> a; remove one of these needs")
    }

    @Test func aStepThatNeedsItselfIsACycle() {
        let problems = formulaProblems("""
            [[steps]]
            id = "a"
            title = "A"
            needs = ["a"]
            """)
        #expect(problems == "formulas/t.toml:4: steps.0.needs: steps need each other in a cycle (each needs the next): a -> a; remove one of these needs")
    }

    @Test func duplicateStepIds() {
        let problems = formulaProblems("""
            [[steps]]
            id = "a"
            title = "A"

            [[steps]]
            id = "a"
            title = "Again"
            """)
        #expect(problems == "formulas/t.toml:6: steps.1.id: duplicate step id \"a\" (first used at line 1): give each step its own id")
    }

    @Test func unknownKeysAndWrongTypesAreAllReportedInLineOrder() {
        let problems = formulaProblems("""
            formula = "t"
            type = "workflow"
            version = "one"

            [vars.who]
            required = "yes"
            default = 3

            [[steps]]
            id = "a"
            title = "A"
            needs = 3
            acceptence = "typo"
            """)
        #expect(problems == """
            formulas/t.toml:2: type: unknown key (known keys here: description, formula, steps, vars, version)
            formulas/t.toml:3: version: expected an integer, found a string
            formulas/t.toml:6: vars.who.required: expected true or false, found a string
            formulas/t.toml:7: vars.who.default: expected a string, found an integer
            formulas/t.toml:12: steps.0.needs: expected an array of strings, found an integer
            formulas/t.toml:13: steps.0.acceptence: unknown key (known keys here: acceptance, description, id, needs, title)
            """)
    }

    @Test func missingIdTitleAndSteps() {
        #expect(formulaProblems("description = \"nothing to do\"\n") == "formulas/t.toml: has no steps: add at least one [[steps]] table with an id and a title")
        #expect(formulaProblems("""
            [[steps]]
            title = "A"

            [[steps]]
            id = "b"
            """) == """
            formulas/t.toml:1: steps.0: a step has no id: add id = "..." (ids are what `needs` names)
            formulas/t.toml:4: steps.1: step "b" has no title: add title = "..."
            """)
        #expect(formulaProblems("steps = \"a\"\n") == "formulas/t.toml:1: steps: expected an array of tables (write each as [[steps]]), found a string")
    }

    @Test func nameMustMatchTheFileAndRequiredWithDefaultIsContradictory() {
        #expect(formulaProblems("""
            formula = "other"
            [vars.x]
            required = true
            default = "1"
            [[steps]]
            id = "a"
            title = "A {{x}}"
            """) == """
            formulas/t.toml:1: formula: is "other" but the file is t.toml: make them the same
            formulas/t.toml:3: vars.x.required: a required variable with a default never needs a value: drop `required` or `default`
            """)
    }

    @Test func invalidTOMLNamesTheLine() {
        let problems = formulaProblems("[[steps]]\nid = \"a\"\ntitle = \n")
        #expect(problems.hasPrefix("formulas/t.toml:3: not valid TOML"))
    }
}
