import Foundation

/// A formula: a named, reusable piece of work for an agent, as ordered steps with acceptance lines and
/// `{{variables}}`. It renders to the one prompt an agent receives (`render(variables:)`).
public struct Formula: Sendable, Equatable {
    public var name: String
    public var description: String
    public var version: Int?
    public var source: FormulaSource
    /// The file errors name: `formulas/NAME.toml` for a town file, `built-in/NAME.toml` otherwise.
    public var file: String
    /// Steps in file order; `orderedSteps` is the order an agent works in.
    public var steps: [FormulaStep]
    /// Declared variables, sorted by name.
    public var variables: [FormulaVariable]
    /// The steps in `needs` order: a stable topological order, ties kept in file order.
    public var orderedSteps: [FormulaStep]

    public func variable(_ name: String) -> FormulaVariable? {
        variables.first { $0.name == name }
    }
}

/// Where a formula came from. A town file overrides a built-in of the same name.
public enum FormulaSource: String, Sendable, Codable, Equatable {
    case town
    case builtIn = "built-in"
}

/// One step of a formula.
public struct FormulaStep: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var description: String
    /// Ids of the steps that must be finished first.
    public var needs: [String]
    /// How the agent knows the step is finished.
    public var acceptance: String
    /// The line of the step's `[[steps]]` header.
    public var line: Int?
}

/// A `[vars.NAME]` declaration.
public struct FormulaVariable: Sendable, Equatable, Codable {
    public var name: String
    public var description: String
    public var required: Bool
    /// Used when the caller gives no value; nil means none.
    public var defaultValue: String?
    /// The line of the `[vars.NAME]` header.
    public var line: Int?

    enum CodingKeys: String, CodingKey {
        case name, description, required
        case defaultValue = "default"
        case line
    }
}
