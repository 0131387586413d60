import Foundation
import GatewayCore

extension Formula {
    /// The one prompt an agent receives: a short header, then the steps in `needs` order as a numbered
    /// checklist, each with its acceptance line, every `{{variable}}` replaced.
    /// Throws a usage error for a variable the formula does not declare or a required one left out.
    public func render(variables given: [String: String]) throws -> String {
        let values = try resolve(given)
        func fill(_ text: String) -> String {
            FormulaTemplate.substitute(text, values).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var header = "# Formula: \(name)"
        if let version { header += " (version \(version))" }
        var blocks = [header]
        let summary = fill(description)
        if !summary.isEmpty { blocks.append(summary) }
        blocks.append("Work through these steps in order. A step is finished only when its acceptance line holds; check each off as you go.")
        for (number, step) in orderedSteps.enumerated() {
            let indent = String(repeating: " ", count: "\(number + 1). ".count)
            var lines = ["\(number + 1). [ ] \(fill(step.title))"]
            let body = fill(step.description)
            if !body.isEmpty {
                lines += body.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : indent + $0 }
            }
            let acceptance = fill(step.acceptance)
            if !acceptance.isEmpty { lines.append("\(indent)Acceptance: \(acceptance)") }
            blocks.append(lines.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// Every declared variable's value: the caller's, else the default, else empty when optional.
    public func resolve(_ given: [String: String]) throws -> [String: String] {
        let declared = Set(variables.map(\.name))
        for name in given.keys.sorted() where !declared.contains(name) {
            let known = declared.isEmpty ? "it takes none" : "its variables: \(declared.sorted().joined(separator: ", "))"
            throw GatewayError.usage("formula \(self.name) has no variable \"\(name)\" (\(known)); see `gw formula show \(self.name)`")
        }
        var values: [String: String] = [:]
        var missing: [ConfigProblem] = []
        for variable in variables {
            if let value = given[variable.name] ?? variable.defaultValue {
                values[variable.name] = value
            } else if variable.required {
                missing.append(ConfigProblem(
                    file: file, line: variable.line, key: "vars.\(variable.name)",
                    message: "required variable has no value: add --var \(variable.name)=VALUE"))
            } else {
                values[variable.name] = ""
            }
        }
        guard missing.isEmpty else {
            throw GatewayError.usage(missing.map(\.description).joined(separator: "\n"))
        }
        return values
    }
}
