import Foundation
import TOMLKit

/// Reads one `[[rule]]` table into a `SimRule`, naming the key at fault in every error.
struct SimRuleReader {
    let table: TOMLTable
    let place: String

    static let stepKeys: Set<String> = ["reply", "tools", "delay", "hold_until", "status", "error_type", "error_message", "retry_after", "should_retry"]
    static let agentKeys: Set<String> = ["crash", "hang", "stop_failure", "permission_prompt", "ignore_first_enter", "slow_submit_hook", "usage_limit"]
    static let ruleKeys: Set<String> = stepKeys.union(agentKeys).union(["name", "match", "regex", "once", "chance", "step"])

    func rule(index: Int, line: Int?) throws(SimRulesError) -> SimRule {
        for key in table.keys where !Self.ruleKeys.contains(key) {
            throw SimRulesError("\(place): unknown key \"\(key)\"; known keys: \(Self.ruleKeys.sorted().joined(separator: ", "))")
        }
        let regex = try string("regex")
        var compiled: RegexBox?
        if let regex {
            do {
                compiled = try RegexBox(regex)
            } catch {
                throw SimRulesError("\(place) (key \"regex\"): \(regex.debugDescription) is not a valid regular expression")
            }
        }
        let steps: [SimStep]
        if let stepValue = table["step"] {
            for key in table.keys where Self.stepKeys.contains(key) {
                throw SimRulesError("\(place) (key \"\(key)\"): a rule with [[rule.step]] entries puts \"\(key)\" inside a step, not beside them")
            }
            guard let entries = stepValue.array, !entries.isEmpty else {
                throw SimRulesError("\(place) (key \"step\"): write steps as [[rule.step]] tables")
            }
            var read: [SimStep] = []
            for (number, entry) in entries.enumerated() {
                guard let stepTable = entry.table else { throw SimRulesError("\(place) step \(number + 1): each step must be a table") }
                let reader = SimRuleReader(table: stepTable, place: "\(place) step \(number + 1)")
                for key in stepTable.keys where !Self.stepKeys.contains(key) {
                    throw SimRulesError("\(place) step \(number + 1): unknown key \"\(key)\"; a step takes \(Self.stepKeys.sorted().joined(separator: ", "))")
                }
                read.append(try reader.step())
            }
            steps = read
        } else {
            steps = try shorthandSteps()
        }
        return SimRule(
            index: index, line: line, name: try string("name"), match: try string("match"), regex: regex,
            once: try bool("once") ?? false, chance: try chance(), steps: steps, agent: try agentBehavior(), compiled: compiled)
    }

    /// `reply`/`tools`/`delay`/`status` at the top of a rule: tools first (one round), then the reply
    /// once their results come back.
    func shorthandSteps() throws(SimRulesError) -> [SimStep] {
        let single = try step()
        if single.error != nil || single.tools.isEmpty { return [single] }
        return [
            SimStep(reply: "", tools: single.tools, delay: single.delay, holdUntil: single.holdUntil),
            SimStep(reply: single.reply ?? SimStep.afterToolsReply),
        ]
    }

    func step() throws(SimRulesError) -> SimStep {
        var error: SimError?
        if let status = try integer("status") {
            guard (400...599).contains(status) else {
                throw SimRulesError("\(place) (key \"status\"): \(status) is not an HTTP error status; use 400, 429, 500 or 529")
            }
            error = SimError(
                status: status, type: try string("error_type") ?? SimError.defaultType(for: status),
                message: try string("error_message") ?? "gw-model-sim: scripted \(status) error",
                retryAfter: try duration("retry_after") ?? ((status == 429 || status == 529) ? 1 : nil),
                shouldRetry: try bool("should_retry"))
        } else {
            for key in ["error_type", "error_message", "retry_after", "should_retry"] where table[key] != nil {
                throw SimRulesError("\(place) (key \"\(key)\"): only meaningful with \"status\"")
            }
        }
        return SimStep(reply: try string("reply"), tools: try tools(), delay: try duration("delay") ?? 0, error: error,
                       holdUntil: try string("hold_until"))
    }

    func tools() throws(SimRulesError) -> [SimToolUse] {
        guard let value = table["tools"] else { return [] }
        guard let array = value.array else { throw SimRulesError("\(place) (key \"tools\"): must be an array of { name = ..., input = ... }") }
        var result: [SimToolUse] = []
        for (number, element) in array.enumerated() {
            let entry = "\(place) (key \"tools\", entry \(number + 1))"
            guard let tool = element.table else { throw SimRulesError("\(entry): must be an inline table { name = \"Write\", input = { ... } }") }
            for key in tool.keys where key != "name" && key != "input" {
                throw SimRulesError("\(entry): unknown key \"\(key)\"; a tool takes name and input")
            }
            guard let name = tool["name"]?.string, !name.isEmpty else { throw SimRulesError("\(entry): needs name = \"<tool name>\"") }
            var input = JSONValue.object([:])
            if let raw = tool["input"] {
                if let text = raw.string {
                    guard let parsed = JSONValue.parse(Data(text.utf8)), case .object = parsed else {
                        throw SimRulesError("\(entry): input is a string but not a JSON object: \(text.debugDescription)")
                    }
                    input = parsed
                } else if raw.table != nil {
                    input = Self.json(raw)
                } else {
                    throw SimRulesError("\(entry): input must be an inline table or a JSON object string")
                }
            }
            result.append(SimToolUse(name: name, input: input))
        }
        return result
    }

    func agentBehavior() throws(SimRulesError) -> SimAgentBehavior {
        var behavior = SimAgentBehavior()
        behavior.crash = try bool("crash") ?? false
        behavior.hang = try bool("hang") ?? false
        behavior.stopFailure = try string("stop_failure")
        behavior.ignoreFirstEnter = try bool("ignore_first_enter") ?? false
        behavior.slowSubmitHook = try duration("slow_submit_hook") ?? 0
        behavior.usageLimit = try string("usage_limit")
        if let raw = table["permission_prompt"] {
            if let tool = raw.string {
                behavior.permissionPrompt = SimPermissionPrompt(tool: tool, input: .object([:]))
            } else if let prompt = raw.table, let tool = prompt["tool"]?.string {
                behavior.permissionPrompt = SimPermissionPrompt(tool: tool, input: prompt["input"].map { Self.json($0) } ?? .object([:]))
            } else {
                throw SimRulesError("\(place) (key \"permission_prompt\"): write a tool name, or { tool = \"Bash\", input = { command = \"...\" } }")
            }
        }
        return behavior
    }

    /// `chance = 0.3`: a fraction above 0 and at most 1.
    func chance() throws(SimRulesError) -> Double? {
        guard let value = table["chance"] else { return nil }
        let number = value.double ?? value.int.map(Double.init)
        guard let number, number > 0, number <= 1 else {
            throw SimRulesError("\(place) (key \"chance\"): must be a fraction above 0 and at most 1, like 0.3")
        }
        return number
    }

    // MARK: typed reads

    func string(_ key: String) throws(SimRulesError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw SimRulesError("\(place) (key \"\(key)\"): must be a string") }
        return text
    }

    func bool(_ key: String) throws(SimRulesError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw SimRulesError("\(place) (key \"\(key)\"): must be true or false") }
        return flag
    }

    func integer(_ key: String) throws(SimRulesError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw SimRulesError("\(place) (key \"\(key)\"): must be a whole number") }
        return number
    }

    /// Seconds, from a number or a string such as "300ms", "2s", "1.5m".
    func duration(_ key: String) throws(SimRulesError) -> Double? {
        guard let value = table[key] else { return nil }
        if let number = value.int { return Double(number) }
        if let number = value.double { return number }
        if let text = value.string, let seconds = SimDuration.seconds(text) { return seconds }
        throw SimRulesError("\(place) (key \"\(key)\"): not a duration; write e.g. \"300ms\", \"2s\" or \"1m\"")
    }

    static func json(_ value: TOMLValueConvertible) -> JSONValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .number(Double(value.int ?? 0))
        case .double: return .number(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .array: return .array((value.array ?? TOMLArray()).map { json($0) })
        case .table:
            var object: [String: JSONValue] = [:]
            for (key, inner) in value.table ?? TOMLTable() { object[key] = json(inner) }
            return .object(object)
        default: return .string(value.debugDescription)
        }
    }
}

extension SimStep {
    /// The text that ends a tool round when the rule gives no `reply`.
    public static let afterToolsReply = "Done."
}

/// Durations in rules files: a number of seconds, or a number with `ms`, `s` or `m`.
public enum SimDuration {
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0)] where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0 else { return nil }
            return number * scale
        }
        guard let number = Double(trimmed), number >= 0 else { return nil }
        return number
    }
}
