import Foundation
import GatewayCore

/// The text of a daily log, `memory/YYYY-MM-DD.md`: a `# date` title, then entries `- HH:MM text`
/// (continuation lines indented two spaces), optionally grouped under `## section` headings.
public enum MemoryLog {
    public static func relativePath(day: String) -> String { "memory/\(day).md" }

    /// The log with `body` appended as an entry, or nil when an entry with the same text is already
    /// there — so an append retried after a failure never makes a second copy.
    public static func appending(_ body: String, time: String, section: String?, to existing: String?, day: String) -> String? {
        let body = normalize(PlainText.clean(body))
        let section = section.map(PlainText.singleLine)
        var lines = (existing ?? "# \(day)\n").components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        if entries(in: lines, section: section).contains(body) { return nil }
        let entry = render(body, time: time)
        guard let section else {
            // Entries without a section belong before the first `## ` heading, not under the last one.
            guard let firstSection = lines.firstIndex(where: { $0.hasPrefix("## ") }) else {
                if let last = lines.last, !last.isEmpty, !isEntryLine(last) { lines.append("") }
                return (lines + entry).joined(separator: "\n") + "\n"
            }
            var end = firstSection
            while end > 0, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
            let lead = end > 0 && !isEntryLine(lines[end - 1]) ? [""] : []
            lines.replaceSubrange(end..<firstSection, with: lead + entry + [""])
            return lines.joined(separator: "\n") + "\n"
        }
        guard let heading = lines.firstIndex(of: "## \(section)") else {
            if lines.last?.isEmpty == false { lines.append("") }
            return (lines + ["## \(section)", ""] + entry).joined(separator: "\n") + "\n"
        }
        // Insert after the section's last non-blank line, before the next heading.
        var end = lines[(heading + 1)...].firstIndex { $0.hasPrefix("#") } ?? lines.count
        while end > heading + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
        lines.insert(contentsOf: entry, at: end)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Trims outer blank space and trailing spaces of each line; the text an entry is compared by.
    static func normalize(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
            .components(separatedBy: "\n")
            .map { String($0.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed()) }
            .joined(separator: "\n")
    }

    static func render(_ body: String, time: String) -> [String] {
        let lines = body.components(separatedBy: "\n")
        return ["- \(time) \(lines[0])"] + lines.dropFirst().map { $0.isEmpty ? "" : "  \($0)" }
    }

    static func isEntryLine(_ line: String) -> Bool { line.hasPrefix("- ") || line.hasPrefix("  ") }

    /// The texts of the entries of one section (nil: the whole file), stamps removed.
    static func entries(in lines: [String], section: String?) -> Set<String> {
        var result: Set<String> = []
        var current: [String]?
        var inSection = section == nil
        func flush() {
            if let entry = current { result.insert(normalize(entry.joined(separator: "\n"))) }
            current = nil
        }
        for line in lines {
            if line.hasPrefix("#") {
                flush()
                if let section { inSection = line == "## \(section)" }
                continue
            }
            guard inSection else { continue }
            if line.hasPrefix("- ") {
                flush()
                current = [stripStamp(String(line.dropFirst(2)))]
            } else if current != nil, line.hasPrefix("  ") {
                current?.append(String(line.dropFirst(2)))
            } else if current != nil, line.isEmpty {
                current?.append("")
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    /// `14:03 text` → `text`.
    static func stripStamp(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars.prefix(6))
        guard scalars.count == 6, scalars[2] == ":", scalars[5] == " ",
              [0, 1, 3, 4].allSatisfy({ ("0"..."9").contains(scalars[$0]) })
        else { return text }
        return String(text.dropFirst(6))
    }
}
