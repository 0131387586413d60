import Foundation
import GatewayNotify

/// One line of HEARTBEAT.md after comments are removed, with what it is.
struct MarkdownLine: Equatable {
    enum Kind: Equatable {
        case blank
        /// `## Name`: starts a task. `##名字` without the space counts too.
        case taskHeading
        /// `###` and deeper: a heading inside a task.
        case heading
        /// `> …`: option lines right under a task heading, ordinary text elsewhere.
        case quote
        /// A ``` or ~~~ fence line.
        case fence
        /// A line inside a fenced code block.
        case code
        case text
    }

    var number: Int
    var kind: Kind
    /// The line as the prompt shows it (comments removed).
    var raw: String
    /// For headings the name, for quotes the text after `>`, otherwise the trimmed line.
    var text: String

    private static let bulletMarkers: Set<Character> = ["-", "*", "+"]
    /// Characters that carry no request on their own: bullets, rules, empty checkboxes, list numbers.
    private static let noise: Set<Character> = [" ", "\t", "-", "*", "+", "_", "=", ">", "[", "]", "x", "X", ".", ")"]

    /// The text of a bullet (`- x`, `* x`, `1. x`, `- [ ] x`), nil when the line is not one or is empty.
    var bulletText: String? {
        guard kind == .text else { return nil }
        var rest = Substring(text)
        if let marker = rest.first, Self.bulletMarkers.contains(marker), rest.dropFirst().first?.isWhitespace ?? true {
            rest = rest.dropFirst()
        } else {
            let digits = rest.prefix(while: \.isNumber)
            guard !digits.isEmpty, let dot = rest.dropFirst(digits.count).first, dot == "." || dot == ")" else { return nil }
            rest = rest.dropFirst(digits.count + 1)
        }
        rest = rest.drop(while: \.isWhitespace)
        for box in ["[ ]", "[x]", "[X]"] where rest.hasPrefix(box) {
            rest = rest.dropFirst(box.count).drop(while: \.isWhitespace)
        }
        return rest.isEmpty ? nil : String(rest)
    }

    /// True when the line asks for something: not blank, not a heading, not an empty bullet, not a rule.
    var isMeaningful: Bool {
        switch kind {
        case .blank, .taskHeading, .heading, .fence: return false
        case .code: return !text.isEmpty
        case .quote, .text: return bulletText != nil || text.contains { !Self.noise.contains($0) && !$0.isNumber }
        }
    }
}

enum MarkdownLines {
    /// The source's lines. Editors on Windows may save a byte-order mark and CRLF line ends; neither is text.
    static func split(_ source: String) -> [Substring] {
        let body = source.hasPrefix("\u{FEFF}") ? String(source.dropFirst()) : source
        return body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Classifies every line of `source`, as below.
    static func classify(_ source: String) -> [MarkdownLine] {
        classify(split(source))
    }

    /// Classifies every line, dropping comments: `<!-- … -->` (across lines too) and, when
    /// `hashLinesAreComments`, lines starting with a single `#` (otherwise they are headings). Code
    /// fences are kept verbatim. `lines` are numbered from `firstLine`.
    static func classify(_ lines: some Collection<Substring>, firstLine: Int = 1, hashLinesAreComments: Bool = true) -> [MarkdownLine] {
        var result: [MarkdownLine] = []
        var fence: String?
        var inComment = false
        for (offset, original) in lines.enumerated() {
            let number = firstLine + offset
            let line = String(original)
            let trimmed = trim(line)
            if let marker = fence {
                if trimmed.hasPrefix(marker) {
                    fence = nil
                    result.append(MarkdownLine(number: number, kind: .fence, raw: line, text: trimmed))
                } else {
                    result.append(MarkdownLine(number: number, kind: .code, raw: line, text: trimmed))
                }
                continue
            }
            let (visible, hadComment) = inComment || line.contains("<!--") ? removeComments(line, inComment: &inComment) : (line, false)
            let text = trim(visible)
            if text.isEmpty {
                if !hadComment { result.append(MarkdownLine(number: number, kind: .blank, raw: "", text: "")) }
                continue
            }
            if text.hasPrefix("```") || text.hasPrefix("~~~") {
                fence = String(text.prefix(3))
                result.append(MarkdownLine(number: number, kind: .fence, raw: visible, text: text))
                continue
            }
            let hashes = text.prefix(while: { $0 == "#" }).count
            switch hashes {
            case 1 where hashLinesAreComments:
                continue  // a comment line
            case 1:
                result.append(MarkdownLine(number: number, kind: .heading, raw: visible, text: headingName(text)))
            case 2 where headingName(text).isEmpty:
                // A heading with no name holds nothing, like a blank line: not a task, not an error.
                result.append(MarkdownLine(number: number, kind: .blank, raw: "", text: ""))
            case 2:
                result.append(MarkdownLine(number: number, kind: .taskHeading, raw: visible, text: headingName(text)))
            case 3...:
                result.append(MarkdownLine(number: number, kind: .heading, raw: visible, text: headingName(text)))
            default:
                if text.hasPrefix(">") {
                    let quoted = trim(String(text.drop(while: { $0 == ">" })))
                    result.append(MarkdownLine(number: number, kind: .quote, raw: visible, text: quoted))
                } else {
                    result.append(MarkdownLine(number: number, kind: .text, raw: visible, text: text))
                }
            }
        }
        return result
    }

    /// The line without leading and trailing spaces and tabs.
    static func trim(_ text: String) -> String {
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = text.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(text[first...last])
    }

    /// `## Name ##` → `Name`.
    private static func headingName(_ text: String) -> String {
        var name = text.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
        while name.hasSuffix("#") { name.removeLast() }
        return name.trimmingCharacters(in: .whitespaces)
    }

    /// The line without its `<!-- … -->` parts, and whether it had any.
    private static func removeComments(_ line: String, inComment: inout Bool) -> (String, Bool) {
        var rest = Substring(line)
        var visible = ""
        var hadComment = inComment
        while !rest.isEmpty {
            if inComment {
                guard let close = rest.range(of: "-->") else { return (visible, true) }
                rest = rest[close.upperBound...]
                inComment = false
            } else if let open = rest.range(of: "<!--") {
                visible += rest[..<open.lowerBound]
                rest = rest[open.upperBound...]
                inComment = true
                hadComment = true
            } else {
                visible += rest
                rest = ""
            }
        }
        return (visible, hadComment)
    }

    /// The lines' text for a prompt, without leading and trailing blank lines.
    static func text(of lines: [MarkdownLine]) -> String {
        var raws = lines.map(\.raw)
        while raws.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { raws.removeFirst() }
        while raws.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { raws.removeLast() }
        return raws.joined(separator: "\n")
    }
}
