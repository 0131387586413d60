import Foundation
import GatewayTestSupport

/// Structural damage written in each input's own syntax.
extension InputMutator {
    // MARK: TOML (gateway.toml)

    mutating func toml(_ mutation: InputMutation, _ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let assignments = lines.indices.filter { Self.isAssignment(lines[$0]) }
        let headers = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("[") }
        switch mutation {
        case .hugeValue, .wrongType:
            guard let index = assignments.randomElement(using: &random) else { break }
            let key = lines[index].split(separator: "=", maxSplits: 1)[0]
            lines[index] = "\(key)= \(mutation == .hugeValue ? hugeTOMLValue() : Self.tomlWrongTypes.randomElement(using: &random)!)"
        case .deepNesting:
            let depth = nestingDepth()
            let nested: [String] = [
                "deep = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
                "deep = " + String(repeating: "{ a = ", count: depth) + "1" + String(repeating: " }", count: depth),
                "[" + (0..<depth).map { "t\($0)" }.joined(separator: ".") + "]\nx = 1",
                (0..<depth).map { _ in "a" }.joined(separator: ".") + " = 1",
            ]
            lines.insert(nested.randomElement(using: &random)!, at: Int.random(in: 0...lines.count, using: &random))
        case .unknownKey:
            let unknown = ["colour = \"red\"", "[unknown_section]\nkey = 1", "heartbeat.evry = \"1h\"", "evry = \"30m\"", "notify.targets.phone.tokn_env = \"X\""]
                .randomElement(using: &random)!
            let at = headers.randomElement(using: &random).map { $0 + 1 } ?? 0
            lines.insert(unknown, at: min(at, lines.count))
        case .duplicateKey:
            if Bool.random(using: &random), let index = assignments.randomElement(using: &random) {
                lines.insert(lines[index], at: index + 1)
            } else if let index = headers.randomElement(using: &random) {
                lines.append(lines[index])
                lines.append("name = \"again\"")
            }
        default:
            break
        }
        return lines.joined(separator: "\n")
    }

    static func isAssignment(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first, first != "#", first != "[", let equals = trimmed.firstIndex(of: "=") else { return false }
        return !trimmed[..<equals].contains("\"") || trimmed.hasPrefix("\"")
    }

    static let tomlWrongTypes = [
        "[1, 2]", "{ a = 1 }", "true", "\"text\"", "12", "1.5", "1979-05-27T07:32:00Z", "07:32:00", "[]", "\"\"", "-1", "0",
        "[\"a\", 1]", "[[1], [\"x\"]]", "{}",
    ]

    mutating func hugeTOMLValue() -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return "\"\(hugeText())\""
        case 1: return Self.hugeNumbers.randomElement(using: &random)!
        case 2: return "\"\(Self.hugeDurations.randomElement(using: &random)!)\""
        default: return "[" + String(repeating: "\"x\", ", count: hugeLength / 8) + "]"
        }
    }

    // MARK: Markdown (HEARTBEAT.md)

    mutating func markdown(_ mutation: InputMutation, _ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let headings = lines.indices.filter { lines[$0].hasPrefix("##") }
        let options = lines.indices.filter { lines[$0].hasPrefix(">") }
        let underHeading = headings.randomElement(using: &random).map { $0 + 1 } ?? Int.random(in: 0...lines.count, using: &random)
        switch mutation {
        case .hugeValue:
            let huge = hugeMarkdownLine()
            lines.insert(huge, at: min(underHeading, lines.count))
        case .wrongType:
            let wrong = Self.markdownWrongTypes.randomElement(using: &random)!
            if let index = options.randomElement(using: &random), Bool.random(using: &random) {
                lines[index] = wrong
            } else {
                lines.insert(wrong, at: min(underHeading, lines.count))
            }
        case .deepNesting:
            let depth = nestingDepth()
            let nested: [String] = [
                String(repeating: "> ", count: depth) + "schedule: daily 09:00",
                (0..<min(depth, 300)).map { String(repeating: "  ", count: $0) + "- step" }.joined(separator: "\n"),
                String(repeating: "#", count: depth) + " title", String(repeating: "<!-- ", count: depth) + "x",
                String(repeating: "```\n", count: depth % 7 + 1) + "code", String(repeating: "[", count: depth) + "link",
            ]
            lines.insert(nested.randomElement(using: &random)!, at: min(underHeading, lines.count))
        case .unknownKey:
            let unknown = ["> colour: red", "> shedule: daily 09:00", "> schedule: daily 09:00 · bogus: 1", "> notfy: phone", "> 优先级: high"]
                .randomElement(using: &random)!
            lines.insert(unknown, at: min(underHeading, lines.count))
        case .duplicateKey:
            if Bool.random(using: &random), let index = headings.randomElement(using: &random) {
                lines.append(lines[index])
                lines.append("- again")
            } else if let index = options.randomElement(using: &random) {
                lines.insert(lines[index], at: index + 1)
            } else {
                lines.insert("> schedule: daily 09:00\n> schedule: every 2h", at: min(underHeading, lines.count))
            }
        default:
            break
        }
        return lines.joined(separator: "\n")
    }

    mutating func hugeMarkdownLine() -> String {
        let count = hugeLength / 16
        let targets: String = Array(repeating: "phone", count: count).joined(separator: ", ")
        let days: String = Array(repeating: "mon", count: count).joined(separator: ",")
        let variables: String = (0..<count).map { "k\($0)=v" }.joined(separator: " ")
        let duration: String = Self.hugeDurations.randomElement(using: &random)!
        let text = hugeText()
        let lines: [String] = [
            "- " + text, "## " + text, "> schedule: every 99999999999999999999h", "> schedule: every 100000000000d",
            "> schedule: every 106751991167d", "> schedule: every " + duration, "> schedule: daily 99999999999:00",
            "> notify: " + targets, "> schedule: weekly " + days + " 10:00", "> formula: daily-news " + variables,
        ]
        return lines.randomElement(using: &random)!
    }

    static let markdownWrongTypes = [
        "> schedule: high", "> priority: daily 09:00", "> notify: 12, , ,", "> formula: topic=AI", "> formula: daily-news topic=\"unterminated",
        "> schedule: weekly xyz 10:00", "> priority: 3", "> schedule:", "> schedule: every 0m", "> schedule: every -5m", "> schedule: daily 24:30",
        "> urgent: ", "> formula: ", "> schedule: every 30s", "> schedule: weekly 10:00", "> notify: phone · notify: mail",
    ]

    // MARK: JSON (hook payloads, transcript lines)

    /// Damages one line of JSON (a payload is one line; a transcript, many): values replaced by huge
    /// or wrongly typed ones, deep nesting, unknown and duplicate keys.
    mutating func json(_ mutation: InputMutation, _ bytes: [UInt8]) -> [UInt8] {
        var lines = Self.lines(bytes)
        let candidates = lines.indices.filter { !lines[$0].isEmpty }
        guard let index = candidates.randomElement(using: &random) else { return bytes }
        lines[index] = jsonLine(mutation, lines[index])
        return Self.join(lines)
    }

    private mutating func jsonLine(_ mutation: InputMutation, _ line: [UInt8]) -> [UInt8] {
        let raw = jsonRawValue(mutation)
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) else {
            // Already broken: splice the value in anywhere.
            var result = line
            result.insert(contentsOf: Array(",\"zz\":\(raw)".utf8), at: Int.random(in: 0...line.count, using: &random))
            return result
        }
        let placeholder = "@@RAW@@"
        if mutation == .hugeValue, Int.random(in: 0..<3, using: &random) == 0 {
            // Every number at once: figures that are summed (usage tokens) overflow together.
            let numbers = Self.replacingNumbers(object, with: placeholder)
            guard let data = try? JSONSerialization.data(withJSONObject: numbers, options: [.sortedKeys, .fragmentsAllowed]) else { return line }
            let huge = Self.hugeNumbers.randomElement(using: &random)!
            return Array(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"\(placeholder)\"", with: huge).utf8)
        }
        let total = Self.objectCount(object)
        guard total > 0 else { return Array(raw.utf8) }
        let target = Int.random(in: 0..<total, using: &random)
        let choice = Int.random(in: 0..<1_000, using: &random)
        var counter = 0
        let changed = Self.transform(object, target: target, counter: &counter) { dictionary in
            var copy = dictionary
            let keys = dictionary.keys.sorted()
            switch mutation {
            case .unknownKey: copy["zz_unknown_\(choice)"] = placeholder
            case .duplicateKey: break
            default:
                if keys.isEmpty { copy["empty"] = placeholder } else { copy[keys[choice % keys.count]] = placeholder }
            }
            return copy
        }
        guard let data = try? JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys, .fragmentsAllowed]) else { return line }
        var text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"\(placeholder)\"", with: raw)
        if mutation == .duplicateKey, text.hasPrefix("{"), let key = (object as? [String: Any])?.keys.sorted().randomElement(using: &random) {
            text.insert(contentsOf: "\"\(key)\":\(raw),", at: text.index(after: text.startIndex))
        }
        return Array(text.utf8)
    }

    private mutating func jsonRawValue(_ mutation: InputMutation) -> String {
        switch mutation {
        case .hugeValue:
            return Bool.random(using: &random) ? Self.hugeNumbers.randomElement(using: &random)! : "\"\(hugeText())\""
        case .deepNesting:
            let depth = nestingDepth()
            return Bool.random(using: &random)
                ? String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                : String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        default:
            return ["12", "\"text\"", "true", "null", "[1,2]", "{\"a\":1}", "1.5", "-1", "[]", "{}", "\"\""].randomElement(using: &random)!
        }
    }

    static func replacingNumbers(_ value: Any, with placeholder: String) -> Any {
        if let dictionary = value as? [String: Any] { return dictionary.mapValues { replacingNumbers($0, with: placeholder) } }
        if let array = value as? [Any] { return array.map { replacingNumbers($0, with: placeholder) } }
        if value is Bool { return value }
        return value is NSNumber ? placeholder : value
    }

    static func objectCount(_ value: Any) -> Int {
        if let dictionary = value as? [String: Any] { return 1 + dictionary.values.reduce(0) { $0 + objectCount($1) } }
        if let array = value as? [Any] { return array.reduce(0) { $0 + objectCount($1) } }
        return 0
    }

    /// Applies `change` to the `target`-th object, counting depth-first in sorted key order (stable
    /// across runs, unlike a dictionary's own order).
    static func transform(_ value: Any, target: Int, counter: inout Int, _ change: ([String: Any]) -> [String: Any]) -> Any {
        if let dictionary = value as? [String: Any] {
            let mine = counter
            counter += 1
            var copy = dictionary
            for key in dictionary.keys.sorted() {
                copy[key] = transform(dictionary[key]!, target: target, counter: &counter, change)
            }
            return mine == target ? change(copy) : copy
        }
        if let array = value as? [Any] {
            return array.map { transform($0, target: target, counter: &counter, change) }
        }
        return value
    }
}
