import Foundation
import TOMLKit

/// A parsed TOML value as a plain Sendable tree. TOMLKit's own types wrap C++ pointers; we convert
/// once at the edge and never hold them.
public indirect enum TOMLNode: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([TOMLNode])
    case table([String: TOMLNode])
    /// Dates and times, kept as their TOML text: no config key takes one yet.
    case other(String)

    /// The TOML type name used in error messages.
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .other: "a date or time"
        }
    }

    /// Parses TOML text. A syntax error becomes a problem with the file and line.
    public static func parse(_ text: String, file: String) throws(ConfigFailure) -> [String: TOMLNode] {
        // What the bundled parser does not survive is refused first, as a syntax problem with its line.
        if let problem = TOMLPreflight.problem(in: text) {
            throw ConfigFailure([ConfigProblem(file: file, line: problem.line, key: nil, message: "not valid TOML: \(problem.message)")])
        }
        do {
            let table = try TOMLTable(string: text)
            return convert(table)
        } catch let error as TOMLParseError {
            throw ConfigFailure([ConfigProblem(file: file, line: error.source.begin.line, key: nil,
                                               message: "not valid TOML: \(error.description): \(syntaxFix(error.description))")])
        } catch {
            throw ConfigFailure([ConfigProblem(file: file, line: nil, key: nil, message: "not valid TOML: \(error)")])
        }
    }

    /// What to do about a syntax error, beside the parser's own words.
    static func syntaxFix(_ description: String) -> String {
        if description.contains("cannot redefine existing") { return "a key or table is defined twice: keep one" }
        if description.contains("nested value depth") { return "nest fewer arrays or tables inside each other" }
        if description.contains("not representable in 64 bits") || description.contains("could not be interpreted") {
            return "write a smaller number"
        }
        return "check the syntax on that line: quoted strings, closed brackets, one key = value per line"
    }

    static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var result: [String: TOMLNode] = [:]
        for (key, value) in table {
            result[key] = convert(value)
        }
        return result
    }

    static func convert(_ value: TOMLValueConvertible) -> TOMLNode {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .array: return .array((value.array ?? TOMLArray()).map { convert($0) })
        case .table: return .table(convert(value.table ?? TOMLTable()))
        default: return .other(value.debugDescription)
        }
    }
}
