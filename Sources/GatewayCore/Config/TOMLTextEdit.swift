import Foundation

/// Sets keys in a TOML file by editing its lines, so everything else — the user's comments, order,
/// blank lines and spelling — stays as it was. Used only where the user asked for an edit (`gw import`);
/// Gateway never rewrites gateway.toml on its own. Values are written as TOML literals the caller
/// renders (`TOMLTextEdit.string`, `.array`).
public struct TOMLTextEdit: Sendable {
    public private(set) var lines: [String]

    public init(_ text: String) {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// What one `set` did, for a dry run's diff.
    public struct Change: Sendable, Equatable, Codable {
        public var table: String
        public var key: String
        /// The line as it was, nil when the key was added.
        public var before: String?
        public var after: String
        public var changed: Bool { before != after }
    }

    /// Sets `key` in `[table]` to `value`: the key's line replaced where it is, else added under the
    /// table's header, else the table added at the end.
    @discardableResult
    public mutating func set(table: String, key: String, value: String) -> Change {
        let line = "\(key) = \(value)"
        guard let header = headerIndex(table) else {
            if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
            lines += ["[\(table)]", line]
            return Change(table: table, key: key, before: nil, after: line)
        }
        let end = lines[(header + 1)...].firstIndex { Self.isHeader($0) } ?? lines.endIndex
        if let existing = lines[(header + 1)..<end].firstIndex(where: { Self.keyOf($0) == key }) {
            let before = lines[existing]
            if Self.valueText(before) != value { lines[existing] = line }
            return Change(table: table, key: key, before: before, after: Self.valueText(before) == value ? before : line)
        }
        lines.insert(line, at: header + 1)
        return Change(table: table, key: key, before: nil, after: line)
    }

    /// Appends `lines` as comments at the end, unless they are there already.
    public mutating func appendComment(_ comment: [String]) {
        let commented = comment.map { "# \($0)" }
        guard !lines.joined(separator: "\n").contains(commented.joined(separator: "\n")) else { return }
        if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
        lines += commented
    }

    func headerIndex(_ table: String) -> Int? {
        lines.firstIndex { Self.headerName($0) == table }
    }

    static func isHeader(_ line: String) -> Bool { headerName(line) != nil }

    /// `a.b` for a line `[a.b]` (a comment after it allowed); nil for anything else, `[[arrays]]` too.
    static func headerName(_ line: String) -> String? {
        var trimmed = line.trimmingCharacters(in: .whitespaces)
        if let hash = trimmed.firstIndex(of: "#"), !trimmed[..<hash].contains("\"") { trimmed = String(trimmed[..<hash]).trimmingCharacters(in: .whitespaces) }
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]"), !trimmed.hasPrefix("[[") else { return nil }
        return trimmed.dropFirst().dropLast().split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ".")
    }

    /// The bare key a `key = value` line sets; nil for comments, blank lines and headers.
    static func keyOf(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix("["), let equals = trimmed.firstIndex(of: "=") else { return nil }
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }

    static func valueText(_ line: String) -> String {
        guard let equals = line.firstIndex(of: "=") else { return "" }
        return line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
    }

    /// A TOML basic string.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += String(format: "\\u%04X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
}
