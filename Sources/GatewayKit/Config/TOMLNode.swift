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
        do {
            let table = try TOMLTable(string: text)
            return convert(table)
        } catch let error as TOMLParseError {
            throw ConfigFailure([ConfigProblem(file: file, line: error.source.begin.line, key: nil, message: "not valid TOML: \(error.description)")])
        } catch {
            throw ConfigFailure([ConfigProblem(file: file, line: nil, key: nil, message: "not valid TOML: \(error)")])
        }
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
