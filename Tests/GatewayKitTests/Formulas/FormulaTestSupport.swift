import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

/// Parses formula text as the town file `formulas/NAME.toml`.
func parseFormula(_ text: String, name: String = "t") throws(ConfigFailure) -> Formula {
    try FormulaParser.parse(text, file: "formulas/\(name).toml", name: name, source: .town)
}

/// The problems a broken formula reports, one per line, exactly as the user sees them.
func formulaProblems(_ text: String, name: String = "t") -> String {
    do {
        let formula = try parseFormula(text, name: name)
        Issue.record("expected problems, but \(formula.name) parsed")
        return ""
    } catch {
        return error.description
    }
}

/// The message and exit status of a GatewayError thrown by `body`.
func gatewayFailure(_ body: () throws -> Void) -> GatewayError? {
    do {
        try body()
        Issue.record("expected an error")
        return nil
    } catch let error as GatewayError {
        return error
    } catch {
        Issue.record("expected a GatewayError, got \(error)")
        return nil
    }
}
