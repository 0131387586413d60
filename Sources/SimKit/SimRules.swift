import Foundation
import TOMLKit

/// A rules file that cannot be used, with the file, line and key at fault and how to fix it.
public struct SimRulesError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var description: String { message }
    public init(_ message: String) { self.message = message }
}

/// The scripted behaviour shared by Gateway's two test doubles: ordered `[[rule]]` entries read from
/// TOML (docs/sim-rules.md). The first rule that matches the last user text answers.
public struct SimRules: Sendable {
    public var rules: [SimRule]
    /// Where the rules came from (a path, or a label for text given directly).
    public var source: String
    /// What `chance` rules draw from: the file's top-level `seed`, else a random one.
    public var seed: UInt64
    /// True when the file gave the seed (a run with `chance` rules then replays exactly).
    public var seedGiven: Bool

    public init(rules: [SimRule] = [], source: String = "(no rules)", seed: UInt64? = nil) {
        self.rules = rules
        self.source = source
        self.seed = seed ?? UInt64.random(in: 0...UInt64.max)
        seedGiven = seed != nil
    }

    /// The environment variable naming a rules file when `--rules` is not given.
    public static let environmentVariable = "GW_SIM_RULES"

    /// Loads `--rules PATH`, else `$GW_SIM_RULES`, else no rules (every answer is the echo).
    public static func load(path: String?, environment: [String: String]) throws(SimRulesError) -> SimRules {
        guard let chosen = path ?? environment[environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) else { return SimRules() }
        let text: String
        do {
            text = try String(contentsOfFile: chosen, encoding: .utf8)
        } catch {
            throw SimRulesError("could not read the rules file \(chosen): \(error.localizedDescription)")
        }
        return try parse(text, file: chosen)
    }

    /// Parses rules text; `file` names it in error messages.
    public static func parse(_ text: String, file: String) throws(SimRulesError) -> SimRules {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SimRulesError("\(file):\(error.source.begin.line): not valid TOML: \(error.description)")
        } catch {
            throw SimRulesError("\(file): not valid TOML: \(error)")
        }
        let lines = ruleHeaderLines(text)
        for key in table.keys where key != "rule" && key != "seed" {
            throw SimRulesError("\(file): unknown top-level key \"\(key)\": a rules file holds [[rule]] entries and an optional seed")
        }
        var seed: UInt64?
        if let value = table["seed"] {
            guard let number = value.int, number >= 0 else {
                throw SimRulesError("\(file): seed must be a whole number of 0 or more, like seed = 42")
            }
            seed = UInt64(number)
        }
        guard let value = table["rule"] else { return SimRules(source: file, seed: seed) }
        guard let entries = value.array else {
            throw SimRulesError("\(file): \"rule\" must be an array of tables: write each rule under its own [[rule]] header")
        }
        var rules: [SimRule] = []
        for (index, entry) in entries.enumerated() {
            let line = index < lines.count ? lines[index] : nil
            let place = "\(file):\(line.map(String.init) ?? "?"): rule \(index + 1)"
            guard let ruleTable = entry.table else { throw SimRulesError("\(place): each rule must be a table") }
            rules.append(try SimRuleReader(table: ruleTable, place: place).rule(index: index, line: line))
        }
        return SimRules(rules: rules, source: file, seed: seed)
    }

    /// Lines of the `[[rule]]` headers, in order. TOMLKit keeps no positions, and rules files are
    /// written by hand with one header per rule.
    static func ruleHeaderLines(_ text: String) -> [Int] {
        var result: [Int] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let compact = raw.filter { $0 != " " && $0 != "\t" }
            if compact.hasPrefix("[[rule]]") { result.append(offset + 1) }
        }
        return result
    }

    /// A tool call id that names the rule and step that made it, so the request carrying its result
    /// continues that rule even when other requests came in between.
    public static func toolUseID(rule: Int, step: Int, call: Int) -> String {
        "toolu_gwsim_r\(rule)_s\(step)_c\(call)_\(UInt16.random(in: 0...UInt16.max))"
    }

    /// The rule and step a tool call id names, when it is one of ours.
    public static func origin(ofToolUseID id: String) -> (rule: Int, step: Int)? {
        let parts = id.split(separator: "_")
        guard parts.count >= 4, parts[0] == "toolu", parts[1] == "gwsim",
              parts[2].hasPrefix("r"), let rule = Int(parts[2].dropFirst()),
              parts[3].hasPrefix("s"), let step = Int(parts[3].dropFirst()) else { return nil }
        return (rule, step)
    }
}
