/// A value read from a JSON5 document (https://spec.json5.org) by `JSON5.parse`.
///
/// Objects keep their keys in file order, duplicates included, so a caller can report "key given twice"
/// or echo a config back in the order its owner wrote it; the subscript takes the last duplicate, as
/// JavaScript's `JSON5.parse` does.
public enum JSON5Value: Sendable, Equatable {
    case object([(key: String, value: JSON5Value)])
    case array([JSON5Value])
    case string(String)
    case number(Double)
    /// A whole number without fraction or exponent (decimal or `0x…`) that fits in 64 bits; others are `number`.
    case integer(Int64)
    case bool(Bool)
    case null

    /// The value of `key` in an object (the last one when the key is repeated); nil for other kinds, so
    /// lookups chain: `value["agents"]?["defaults"]?["heartbeat"]?["every"]?.string`.
    public subscript(key: String) -> JSON5Value? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// An integer, or a number that is exactly one (`1e3`, `300.0`): a config means the same by both.
    public var int64: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// Any number, integers included.
    public var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [JSON5Value]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// Structural equality: objects compare pair by pair in order (tuples are not Equatable, so this is
    /// written out), and NaN equals NaN, since two documents that both say `NaN` say the same thing.
    public static func == (lhs: JSON5Value, rhs: JSON5Value) -> Bool {
        switch (lhs, rhs) {
        case let (.object(left), .object(right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(left), .array(right)): return left == right
        case let (.string(left), .string(right)): return left == right
        case let (.number(left), .number(right)): return left == right || (left.isNaN && right.isNaN)
        case let (.integer(left), .integer(right)): return left == right
        case let (.bool(left), .bool(right)): return left == right
        case (.null, .null): return true
        default: return false
        }
    }
}

/// Why a document is not JSON5, and where: `line` and `column` are 1-based, and a column counts Unicode
/// scalars (not bytes), so it matches what an editor shows for text without combining marks.
public struct JSON5Error: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
