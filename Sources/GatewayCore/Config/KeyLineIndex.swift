/// Maps dotted key paths (`heartbeat.active_hours.start`, `notify.targets.ops.kind`) to the line that
/// defines them, so errors can name the line. TOMLKit keeps no positions for values, and a line scan is
/// enough for the files people write: table headers, `key = value`, dotted keys and inline tables.
public struct KeyLineIndex: Sendable {
    private var lines: [String: Int] = [:]

    public init(source: String) {
        var table: [String] = []
        var arrayCounts: [String: Int] = [:]
        var openMultiline: String?
        // "\r\n" is one Character in Swift, so a CRLF file splits on it too; a byte-order mark is no key.
        let lines = source.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\u{FEFF}")))
            if let quote = openMultiline {
                if Self.count(of: quote, in: line) % 2 == 1 { openMultiline = nil }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.headerPath(line, brackets: 2)
                let joined = name.joined(separator: ".")
                let index = arrayCounts[joined, default: 0]
                arrayCounts[joined] = index + 1
                table = name + ["\(index)"]
                record(table, number)
                record(name, number)
                continue
            }
            if line.hasPrefix("[") {
                table = Self.headerPath(line, brackets: 1)
                record(table, number)
                continue
            }
            guard let equals = Self.assignment(in: line) else { continue }
            let key = Self.keyPath(String(line[..<equals]))
            let full = table + key
            record(full, number)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("{") { recordInline(value, under: full, line: number) }
            for quote in ["\"\"\"", "'''"] where Self.count(of: quote, in: value) % 2 == 1 {
                openMultiline = quote
            }
        }
    }

    /// The line of `path`, else of its nearest enclosing table.
    public func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return nil
    }

    /// Records `path` and every table it implies (`[a.b.c]` and `a.b.c = 1` define `a` and `a.b` too),
    /// so a problem with an implied table — an unknown section spelled only as `[notfy.targets.x]` — has a line.
    private mutating func record(_ path: [String], _ line: Int) {
        for length in 1...max(1, path.count) {
            let key = path.prefix(length).joined(separator: ".")
            if lines[key] == nil { lines[key] = line }
        }
    }

    private mutating func recordInline(_ value: String, under path: [String], line: Int) {
        // `{ start = "08:00", end = "23:00" }`: record each inner key on the same line.
        var body = value.dropFirst()
        if let close = body.lastIndex(of: "}") { body = body[..<close] }
        for part in body.split(separator: ",") {
            if let equals = Self.assignment(in: String(part)) {
                let text = String(part)
                record(path + Self.keyPath(String(text[..<equals])), line)
            }
        }
    }

    private static func headerPath(_ line: String, brackets: Int) -> [String] {
        var inner = line.dropFirst(brackets)
        if let close = inner.firstIndex(of: "]") { inner = inner[..<close] }
        return keyPath(String(inner))
    }

    static func keyPath(_ text: String) -> [String] {
        text.split(separator: ".").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
    }

    /// The `=` that separates a key from its value, outside any quotes.
    static func assignment(in line: String) -> String.Index? {
        var quote: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "=" {
                return index
            }
        }
        return nil
    }

    private static func count(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}

import Foundation
