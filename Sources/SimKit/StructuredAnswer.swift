import Foundation

/// A minimal answer that satisfies a JSON schema, for requests that ask for structured output
/// (Claude Code's session title: `{"title": "..."}`). Strings say where they came from, so a test
/// reading the screen can tell a side answer from a scripted one.
public enum StructuredAnswer {
    public static func make(_ schema: JSONValue, text: String) -> JSONValue {
        switch schema["type"]?.stringValue {
        case "object":
            var object: [String: JSONValue] = [:]
            let properties: [String: JSONValue]
            if case .object(let declared) = schema["properties"] ?? .null { properties = declared } else { properties = [:] }
            let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
            for name in required { object[name] = make(properties[name] ?? .object([:]), text: text) }
            return .object(object)
        case "array": return .array([])
        case "number", "integer": return .number(0)
        case "boolean": return .bool(false)
        case "null": return .null
        default:
            if let first = schema["enum"]?.arrayValue?.first { return first }
            return .string(summary(text))
        }
    }

    /// The first words of the text, so a title reads like one.
    static func summary(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).prefix(5).joined(separator: " ")
        return "ECHO: \(words)"
    }
}
