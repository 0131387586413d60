import Foundation
import GatewayCore

/// gateway.toml edited the way a test wants it, without breaking TOML's rule that a table is defined
/// once: each `[section]` of the given text is merged into the same table of the file — a `key = …` line
/// replaces the table's line for that key (a commented default stays), or goes right under the header —
/// and a table the file lacks is appended. One `key = value` per line.
public enum TownConfigEdit {
    public static func merge(_ settings: String, into file: String) throws -> String {
        // An empty file gets the tables alone, so a test's line numbers are its own.
        var lines = file.isEmpty ? [] : file.components(separatedBy: "\n")
        for (section, entries) in try sections(of: settings) {
            guard let header = lines.firstIndex(where: { tableName($0) == section }) else {
                lines += (lines.isEmpty ? [] : [""]) + ["[\(section)]"] + entries
                continue
            }
            let end = lines[(header + 1)...].firstIndex(where: { tableName($0) != nil }) ?? lines.endIndex
            let replaced = Set(entries.compactMap(key))
            var body = Array(lines[(header + 1)..<end])
            body.removeAll { line in key(line).map(replaced.contains) ?? false }
            lines.replaceSubrange((header + 1)..<end, with: entries + body)
        }
        return lines.joined(separator: "\n")
    }

    /// The tables of `text` in order, each with its lines (a later line for a key replaces an earlier
    /// one). A setting before any header is refused: a test always names the table it sets.
    static func sections(of text: String) throws -> [(String, [String])] {
        var order: [String] = []
        var entries: [String: [String]] = [:]
        var current: String?
        for line in text.components(separatedBy: "\n") {
            if let name = tableName(line) {
                current = name
                if entries[name] == nil { order.append(name); entries[name] = [] }
                continue
            }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let current else { throw GatewayError("test config line \(line.debugDescription) comes before any [table]: name its table") }
            if let newKey = key(line) { entries[current]!.removeAll { key($0) == newKey } }
            entries[current]!.append(line)
        }
        return order.map { ($0, entries[$0]!) }
    }

    /// `name` for a `[name]` header line (not `[[array]]`), else nil.
    static func tableName(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("["), !trimmed.hasPrefix("[["), let close = trimmed.firstIndex(of: "]") else { return nil }
        return String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
    }

    /// The key an uncommented `key = value` line sets.
    static func key(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return nil }
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }
}
