/// Turns a notification into Telegram HTML messages: escaped, and split into pieces Telegram accepts.
///
/// Telegram limits a message to 4096 characters counted in UTF-16 code units. We split the *raw* text
/// first and escape each piece afterwards, so a cut can never land inside an entity (`&amp;`) or a tag,
/// and we cut only between `Character`s, so never inside a surrogate pair or a grapheme. The cost of a
/// piece is measured as its escaped UTF-16 length, which is what Telegram's limit is checked against
/// in the worst case.
public enum TelegramFormat {
    /// Every message is strictly below Telegram's 4096-unit limit.
    public static let maxUnits = 4095

    /// Escapes the three characters Telegram's HTML mode reserves.
    public static func escape<S: StringProtocol>(_ text: S) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The UTF-16 length `character` has once escaped.
    static func escapedUnits(_ character: Character) -> Int {
        switch character {
        case "&": 5
        case "<", ">": 4
        default: character.utf16.count
        }
    }

    /// One message as HTML and as its plain-text fallback.
    public struct Part: Sendable, Equatable {
        public var html: String
        public var plain: String
    }

    /// The messages for `title` and `text`: the title in bold on the first one.
    public static func parts(title: String, text: String, limit: Int = maxUnits) -> [Part] {
        let shownTitle = String(title.prefix(200))
        let header = shownTitle.isEmpty ? "" : "<b>\(escape(shownTitle))</b>\n"
        let plainHeader = shownTitle.isEmpty ? "" : "\(shownTitle)\n"
        let headerUnits = header.utf16.count
        let chunks = split(text, firstBudget: limit - headerUnits, budget: limit)
        return chunks.enumerated().map { index, chunk in
            index == 0
                ? Part(html: header + escape(chunk), plain: plainHeader + chunk)
                : Part(html: escape(chunk), plain: chunk)
        }
    }

    /// Splits `text` so that each piece's escaped length fits its budget, cutting at a blank line when
    /// there is one, else a line break, else a space, else between characters.
    public static func split(_ text: String, firstBudget: Int, budget: Int) -> [String] {
        var pieces: [String] = []
        var current: [Character] = []
        var units = 0
        var lastParagraph: Int?
        var lastLine: Int?
        var lastSpace: Int?

        func limit() -> Int { pieces.isEmpty ? max(firstBudget, 1) : budget }

        func cut() {
            let boundary = lastParagraph ?? lastLine ?? lastSpace
            let end = boundary ?? current.count
            let head = String(current[..<end]).trimmingTrailingWhitespace()
            var rest = Array(current[end...])
            while let first = rest.first, first.isWhitespace { rest.removeFirst() }
            if !head.isEmpty { pieces.append(head) }
            current = rest
            units = rest.reduce(0) { $0 + escapedUnits($1) }
            lastParagraph = nil
            lastLine = nil
            lastSpace = nil
            for (index, character) in current.enumerated() { note(character, at: index) }
        }

        func note(_ character: Character, at index: Int) {
            if character == "\n" || character == "\r\n" {
                if index > 0, current[index - 1] == "\n" || current[index - 1] == "\r\n" { lastParagraph = index - 1 } else { lastLine = index }
            } else if character == " " || character == "\t" {
                lastSpace = index
            }
        }

        for character in text {
            let cost = escapedUnits(character)
            while units + cost > limit(), !current.isEmpty { cut() }
            current.append(character)
            units += cost
            note(character, at: current.count - 1)
        }
        let tail = String(current).trimmingTrailingWhitespace()
        if !tail.isEmpty || pieces.isEmpty { pieces.append(tail) }
        return pieces
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last.isWhitespace { copy.removeLast() }
        return copy
    }
}
