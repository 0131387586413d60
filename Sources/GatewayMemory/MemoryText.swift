import Foundation

/// How memory text is split for full-text search. SQLite's unicode61 tokenizer keeps a run of Chinese
/// characters as one long token, and its trigram tokenizer (SQLite 3.40) matches nothing shorter than
/// three characters — yet Chinese is full of one- and two-character words (新闻, 科技). So every CJK run
/// is indexed twice beside the unicode61 words: as overlapping bigrams (科技新闻 → 科技 技新 新闻), where
/// a query of two or more characters is the phrase of its own bigrams, and as single characters, where a
/// one-character query looks.
public enum MemoryText {
    /// The three FTS columns of one chunk of text.
    public struct Columns: Sendable, Equatable {
        public var words: String
        public var bigrams: String
        public var unigrams: String
    }

    /// Han, kana and hangul: scripts written without spaces between words.
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true // Han
        case 0x3040...0x30FF, 0x31F0...0x31FF: true // Hiragana, Katakana
        case 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F: true // Hangul
        default: false
        }
    }

    /// Splits text into its non-CJK part (CJK replaced by spaces) and its CJK runs.
    static func split(_ text: String) -> (rest: String, runs: [[Unicode.Scalar]]) {
        var rest = String.UnicodeScalarView()
        var runs: [[Unicode.Scalar]] = []
        var run: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                run.append(scalar)
                continue
            }
            if !run.isEmpty {
                runs.append(run)
                run = []
                rest.append(" ")
            }
            rest.append(scalar)
        }
        if !run.isEmpty { runs.append(run) }
        return (String(rest), runs)
    }

    static func bigrams(_ run: [Unicode.Scalar]) -> [String] {
        guard run.count >= 2 else { return [] }
        return (0..<(run.count - 1)).map { String(String.UnicodeScalarView(run[$0...($0 + 1)])) }
    }

    public static func columns(for text: String) -> Columns {
        let (rest, runs) = split(text)
        return Columns(
            words: rest,
            bigrams: runs.flatMap(bigrams).joined(separator: " "),
            unigrams: runs.flatMap { $0 }.map { String($0) }.joined(separator: " "))
    }

    /// The words of a query as unicode61 would see them (letters and digits), and its CJK runs.
    public static func terms(_ query: String) -> (words: [String], runs: [String]) {
        let (rest, runs) = split(query)
        let words = rest.unicodeScalars
            .split { !($0.properties.isAlphabetic || $0.properties.numericType != nil) }
            .map { String(String.UnicodeScalarView($0)) }
        return (words, runs.map { String(String.UnicodeScalarView($0)) })
    }

    /// An FTS5 MATCH expression requiring every term: a word in `words`, a one-character CJK run in
    /// `unigrams`, a longer one as the phrase of its bigrams. nil when the query has no terms.
    public static func matchExpression(_ query: String) -> String? {
        let (words, runs) = terms(query)
        var parts = words.map { "words : \(quoted($0))" }
        for run in runs {
            let scalars = Array(run.unicodeScalars)
            parts.append(scalars.count == 1 ? "unigrams : \(quoted(run))" : "bigrams : \(quoted(bigrams(scalars).joined(separator: " ")))")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Splits a memory file into the pieces search returns: each heading, each list entry with its
/// continuation lines, each paragraph — with the line it starts on.
enum MemoryChunker {
    static func chunks(_ text: String) -> [(line: Int, text: String)] {
        var result: [(Int, String)] = []
        var current: [String] = []
        var start = 0
        func flush() {
            let joined = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !joined.isEmpty { result.append((start, joined)) }
            current = []
        }
        for (offset, line) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                flush()
                continue
            }
            let startsPiece = trimmed.hasPrefix("#") || line.hasPrefix("- ") || line.hasPrefix("* ")
            if startsPiece || current.isEmpty {
                flush()
                start = offset + 1
            }
            current.append(line)
            if trimmed.hasPrefix("#") { flush() }
        }
        flush()
        return result
    }
}
