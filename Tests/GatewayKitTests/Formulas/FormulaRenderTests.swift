import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayWork
import GatewayTestSupport

@Suite struct FormulaRenderTests {
    static let greeting = """
        formula = "t"
        description = "Welcome {{who}} to {{place}}."
        version = 3

        [vars.who]
        description = "Whom to welcome."
        required = true

        [vars.place]
        default = "the town"

        [vars.note]
        description = "Optional extra words."

        [[steps]]
        id = "log"
        title = "Log the visit of {{who}}"
        needs = ["greet"]
        acceptance = "The log names {{who}}.{{note}}"

        [[steps]]
        id = "greet"
        title = "Greet {{ who }}"
        description = '''
        Say hello.

        Mention {{place}}; keep {{ not a variable }} as written.
        '''
        acceptance = "{{who}} smiled."
        """

    @Test func rendersTheExactPromptInNeedsOrder() throws {
        let prompt = try parseFormula(Self.greeting).render(variables: ["who": "Ada"])
        #expect(prompt == """
            # Formula: t (version 3)

            Welcome Ada to the town.

            Work through these steps in order. A step is finished only when its acceptance line holds; check each off as you go.

            1. [ ] Greet Ada
               Say hello.

               Mention the town; keep {{ not a variable }} as written.
               Acceptance: Ada smiled.

            2. [ ] Log the visit of Ada
               Acceptance: The log names Ada.

            """)
    }

    @Test func givenValuesWinOverDefaultsAndAreNotExpandedAgain() throws {
        let prompt = try parseFormula(Self.greeting).render(variables: ["who": "{{place}}", "place": "Rome", "note": " Quietly."])
        #expect(prompt.contains("Welcome {{place}} to Rome."))
        #expect(prompt.contains("1. [ ] Greet {{place}}"))
        #expect(prompt.contains("Acceptance: The log names {{place}}. Quietly."))
    }

    @Test func aMissingRequiredVariableNamesTheVarToAdd() throws {
        let formula = try parseFormula(Self.greeting)
        let error = gatewayFailure { _ = try formula.render(variables: ["place": "Rome"]) }
        #expect(error?.message == "formulas/t.toml:5: vars.who: required variable has no value: add --var who=VALUE")
        #expect(error?.exit == .usage)
    }

    @Test func anUndeclaredVariableIsAUsageError() throws {
        let formula = try parseFormula(Self.greeting)
        let error = gatewayFailure { _ = try formula.render(variables: ["who": "Ada", "mood": "glad"]) }
        #expect(error?.message == "formula t has no variable \"mood\" (its variables: note, place, who); see `gw formula show t`")
        #expect(error?.exit == .usage)
    }

    @Test func varArgumentsSplitAtTheFirstEquals() throws {
        #expect(try FormulaArguments.parse(["topic=AI", "query=a=b", "empty="]) == ["topic": "AI", "query": "a=b", "empty": ""])
        #expect(try FormulaArguments.parse([]) == [:])
    }

    @Test func badVarArgumentsAreUsageErrors() {
        let cases = [
            (["topic"], "--var topic is not NAME=VALUE: write it like --var topic=AI"),
            (["=AI"], "--var =AI is not NAME=VALUE: write it like --var topic=AI"),
            (["my topic=AI"], "--var my topic=AI: \"my topic\" is not a variable name: use letters, digits, _ or -, starting with a letter"),
            (["a=1", "a=2"], "--var a is given twice: give each variable once"),
        ]
        for (arguments, message) in cases {
            let error = gatewayFailure { _ = try FormulaArguments.parse(arguments) }
            #expect(error?.message == message)
            #expect(error?.exit == .usage)
        }
    }

    @Test func templateReferencesAcceptOnlyNames() {
        let references = FormulaTemplate.references(in: "{{a}} {{ b-c }} {{1x}} {{ two words }} {{d_e}} {{ {{f}}")
        #expect(references.map(\.name) == ["a", "b-c", "d_e", "f"])
        #expect(references.map(\.text) == ["{{a}}", "{{ b-c }}", "{{d_e}}", "{{f}}"])
    }
}
