import Foundation
import GatewayCore

/// Reads a formula file and checks it whole: unknown keys, wrong types, duplicate step ids, unknown
/// `needs`, dependency cycles and unknown `{{variables}}`. Every problem names the file and line.
enum FormulaParser {
    static func parse(_ text: String, file: String, name: String, source: FormulaSource) throws(ConfigFailure) -> Formula {
        let root = try TOMLNode.parse(text, file: file)
        let reader = TableReader(root: root, file: file, source: text)
        let lines = SourceLines(text: text, index: reader.lineIndex)
        var problems: [ConfigProblem] = []

        if let declared = reader.string("formula"), declared != name {
            reader.problem("formula", "is \"\(declared)\" but the file is \(name).toml: make them the same")
        }
        let description = reader.string("description", default: "")
        let version = reader.contains("version") ? reader.integer("version", default: 0) : nil
        let variables = readVariables(reader)
        let steps = readSteps(reader)
        reader.finish()

        let ordering = FormulaOrdering(steps: steps)
        problems += ordering.unknownNeeds().map { step, need in
            lines.problem(file, step.path + ["needs"], "step \"\(step.value.id)\" needs \"\(need)\", which is no step here (steps: \(steps.map(\.value.id).joined(separator: ", ")))")
        }
        // A cycle is only worth naming once every step and its needs were read correctly.
        if problems.isEmpty, reader.problems.isEmpty, let cycle = ordering.cycle(),
           let first = steps.first(where: { $0.value.id == cycle[0] }) {
            problems.append(lines.problem(file, first.path + ["needs"], "steps need each other in a cycle (each needs the next): \(cycle.joined(separator: " -> ")) -> \(cycle[0]); remove one of these needs"))
        }

        let declared = Set(variables.map(\.name))
        var templates: [(path: [String], text: String)] = [(["description"], description)]
        for step in steps {
            templates += [(step.path + ["title"], step.value.title), (step.path + ["description"], step.value.description),
                          (step.path + ["acceptance"], step.value.acceptance)]
        }
        for (path, template) in templates {
            for reference in FormulaTemplate.references(in: template) where !declared.contains(reference.name) {
                let known = declared.isEmpty ? "none are declared" : "declared: \(declared.sorted().joined(separator: ", "))"
                problems.append(lines.problem(file, path, "unknown variable \(reference.text): declare it as [vars.\(reference.name)] or fix the name (\(known))", near: reference.text))
            }
        }

        let all = (reader.problems + problems).enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
        guard all.isEmpty else { throw ConfigFailure(all) }
        return Formula(
            name: name, description: description, version: version, source: source, file: file,
            steps: steps.map(\.value), variables: variables, orderedSteps: ordering.ordered())
    }

    private static func readVariables(_ reader: TableReader) -> [FormulaVariable] {
        var variables: [FormulaVariable] = []
        for (name, table) in reader.namedTables("vars") {
            if !FormulaTemplate.isName(name) {
                table.problem(nil, "\"\(name)\" is not a usable variable name: use letters, digits, _ or -, starting with a letter")
            }
            let required = table.bool("required", default: false)
            let fallback = table.string("default")
            if required, fallback != nil {
                table.problem("required", "a required variable with a default never needs a value: drop `required` or `default`")
            }
            variables.append(FormulaVariable(
                name: name, description: table.string("description", default: ""), required: required,
                defaultValue: fallback, line: table.line))
            table.finish()
        }
        return variables.sorted { $0.name < $1.name }
    }

    private static func readSteps(_ reader: TableReader) -> [Located<FormulaStep>] {
        var steps: [Located<FormulaStep>] = []
        var seen: [String: Int] = [:]
        let tables = reader.tables("steps")
        if tables.isEmpty, !reader.contains("steps") {
            reader.problem(nil, "has no steps: add at least one [[steps]] table with an id and a title")
        }
        for table in tables {
            let id = table.string("id") ?? ""
            if id.isEmpty, !table.contains("id") {
                table.problem(nil, "a step has no id: add id = \"...\" (ids are what `needs` names)")
            }
            let title = table.string("title") ?? ""
            if title.isEmpty, !table.contains("title") {
                table.problem(nil, "step \"\(id)\" has no title: add title = \"...\"")
            }
            let step = FormulaStep(
                id: id, title: title, description: table.string("description", default: ""),
                needs: table.stringArray("needs"), acceptance: table.string("acceptance", default: ""), line: table.line)
            table.finish()
            if !id.isEmpty, let first = seen[id] {
                table.problem("id", "duplicate step id \"\(id)\" (first used at line \(first)): give each step its own id")
            } else if !id.isEmpty {
                seen[id] = table.line ?? 0
            }
            steps.append(Located(value: step, path: table.path))
        }
        return steps
    }
}

/// A value read from a table, with the key path that locates it in the file.
struct Located<Value> {
    var value: Value
    var path: [String]
}

/// The formula source with its key index, to put a line on problems found after reading.
struct SourceLines {
    let lines: [Substring]
    let index: KeyLineIndex

    init(text: String, index: KeyLineIndex) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        self.index = index
    }

    /// A problem at `path`'s line or, when `near` is given, at the first line from there that holds it
    /// (a placeholder inside a multi-line description sits below its key).
    func problem(_ file: String, _ path: [String], _ message: String, near text: String? = nil) -> ConfigProblem {
        var line = index.line(of: path)
        if let text, let start = line {
            line = (start - 1..<lines.count).first { lines[$0].contains(text) }.map { $0 + 1 } ?? start
        }
        return ConfigProblem(file: file, line: line, key: path.joined(separator: "."), message: message)
    }
}
