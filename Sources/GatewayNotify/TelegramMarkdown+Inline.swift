/// The span-level half of the Markdown reader: emphasis, code spans, links and backslash escapes within
/// one block of text.
///
/// Everything it looks ahead for is found in constant time from tables built in one pass (the `]` after
/// each `[`, the `)` matching each `(`, the backtick runs of each length), and emphasis is matched with a
/// stack whose entries are each pushed and popped once, so no input makes it quadratic. A marker that finds
/// no partner is shown as written.
struct InlineMarkdown {
    private enum Token {
        case character(Character)
        /// A run of `*`, `_` or `~` shown as written, unless a partner turns it into `open` and `close`.
        case marker(Character, count: Int)
        case open(StyledText.Flags)
        case close(StyledText.Flags)
        case code(Range<Int>)
        case linkStart(String)
        case linkEnd
    }

    private let characters: [Character]
    private var tokens: [Token] = []
    /// Emphasis runs that may still open, as (token index, kind); `openerCounts` counts them by kind so a
    /// closer without a partner costs nothing.
    private var openers: [(token: Int, kind: Int)] = []
    private var openerCounts = Array(repeating: 0, count: Self.kinds.count)
    private let closingBracket: [Int: Int]
    private let closingParenthesis: [Int: Int]
    private let backtickRuns: [Int: [Int]]
    private var backtickCursors: [Int: Int] = [:]

    /// The emphasis each marker run can be: one, two or three `*`/`_`, or exactly two `~`. A run pairs
    /// only with a run of the same kind, which keeps matching simple and predictable.
    private static let kinds: [(marker: Character, count: Int, flags: StyledText.Flags)] = [
        ("*", 1, .italic), ("*", 2, .bold), ("*", 3, [.bold, .italic]),
        ("_", 1, .italic), ("_", 2, .bold), ("_", 3, [.bold, .italic]),
        ("~", 2, .strike),
    ]

    static func render(_ characters: [Character], style: StyledText.Style, into text: inout StyledText) {
        var parser = InlineMarkdown(characters)
        parser.tokenize()
        parser.emit(style: style, into: &text)
    }

    private init(_ characters: [Character]) {
        self.characters = characters
        var brackets: [Int: Int] = [:]
        var parentheses: [Int: Int] = [:]
        var runs: [Int: [Int]] = [:]
        var lastOpenBracket: Int?
        var openParentheses: [Int] = []
        var index = 0
        while index < characters.count {
            switch characters[index] {
            case "[": lastOpenBracket = index
            case "]":
                if let open = lastOpenBracket { brackets[open] = index }
                lastOpenBracket = nil
            case "(": openParentheses.append(index)
            case ")": if let open = openParentheses.popLast() { parentheses[open] = index }
            case "`":
                let start = index
                while index + 1 < characters.count, characters[index + 1] == "`" { index += 1 }
                runs[index - start + 1, default: []].append(start)
            case let other where other.isWhitespace:
                // A URL holds no whitespace, so no parenthesis pairs across it.
                openParentheses.removeAll(keepingCapacity: true)
            default: break
            }
            index += 1
        }
        closingBracket = brackets
        closingParenthesis = parentheses
        backtickRuns = runs
    }

    // MARK: Tokens

    private mutating func tokenize() {
        var position = 0
        /// While inside a link's text: where the text ends and where reading resumes after the link.
        var link: (textEnd: Int, resume: Int)?
        var linkFrame: (openers: Int, counts: [Int])?
        while true {
            if let current = link, position >= current.textEnd {
                // Emphasis opened inside the link's text cannot close outside it.
                if let frame = linkFrame {
                    openers.removeLast(openers.count - frame.openers)
                    openerCounts = frame.counts
                }
                tokens.append(.linkEnd)
                position = current.resume
                link = nil
                linkFrame = nil
                continue
            }
            let end = link?.textEnd ?? characters.count
            guard position < end else { break }
            let character = characters[position]
            switch character {
            case "\\":
                let next = position + 1 < end ? characters[position + 1] : nil
                if let next, next == "\n" || (next.isASCII && next.isPunctuationOrSymbol) {
                    tokens.append(.character(next))
                    position += 2
                } else {
                    tokens.append(.character("\\"))
                    position += 1
                }
            case "`":
                position = codeSpan(at: position, end: end)
            case "*", "_", "~":
                position = markerRun(at: position, end: end)
            case "[" where link == nil, "!" where link == nil:
                let bracket = character == "!" ? position + 1 : position
                guard let target = self.link(at: bracket) else {
                    tokens.append(.character(character))
                    position += 1
                    continue
                }
                tokens.append(.linkStart(target.url))
                var textStart = bracket + 1
                var textEnd = target.textEnd
                while textStart < textEnd, characters[textStart].isWhitespace { textStart += 1 }
                while textEnd > textStart, characters[textEnd - 1].isWhitespace { textEnd -= 1 }
                if textStart == textEnd {
                    tokens.append(contentsOf: target.url.map { .character($0) })
                    tokens.append(.linkEnd)
                    position = target.resume
                } else {
                    link = (textEnd, target.resume)
                    linkFrame = (openers.count, openerCounts)
                    openerCounts = Array(repeating: 0, count: Self.kinds.count)
                    position = textStart
                }
            case "<" where link == nil:
                position = autolink(at: position)
            default:
                tokens.append(.character(character))
                position += 1
            }
        }
    }

    /// A code span: a backtick run up to the next run of the same length, else the run as written.
    private mutating func codeSpan(at start: Int, end: Int) -> Int {
        var length = 1
        while start + length < end, characters[start + length] == "`" { length += 1 }
        if let closer = nextBacktickRun(length: length, from: start + length), closer + length <= end {
            var content = (start + length)..<closer
            // One space inside each end lets code start or end with a backtick (`` `x` ``).
            if content.count >= 2, characters[content.lowerBound] == " ", characters[content.upperBound - 1] == " ",
               !characters[content].allSatisfy({ $0 == " " }) {
                content = (content.lowerBound + 1)..<(content.upperBound - 1)
            }
            tokens.append(.code(content))
            return closer + length
        }
        tokens.append(.marker("`", count: length))
        return start + length
    }

    /// The first backtick run of exactly `length` starting at or after `position`. Each length's cursor
    /// only moves forward, as the reader does.
    private mutating func nextBacktickRun(length: Int, from position: Int) -> Int? {
        guard let runs = backtickRuns[length] else { return nil }
        var cursor = backtickCursors[length] ?? 0
        while cursor < runs.count, runs[cursor] < position { cursor += 1 }
        backtickCursors[length] = cursor
        return cursor < runs.count ? runs[cursor] : nil
    }

    /// A run of `*`, `_` or `~`: opens, closes, or stays text, by CommonMark's flanking rules.
    private mutating func markerRun(at start: Int, end: Int) -> Int {
        let marker = characters[start]
        var count = 1
        while start + count < end, characters[start + count] == marker { count += 1 }
        let before = start > 0 ? characters[start - 1] : nil
        let after = start + count < end ? characters[start + count] : nil
        let spaceBefore = before.map(\.isWhitespace) ?? true
        let spaceAfter = after.map(\.isWhitespace) ?? true
        let punctuationBefore = before?.isPunctuationOrSymbol ?? false
        let punctuationAfter = after?.isPunctuationOrSymbol ?? false
        let leftFlanking = !spaceAfter && (!punctuationAfter || spaceBefore || punctuationBefore)
        let rightFlanking = !spaceBefore && (!punctuationBefore || spaceAfter || punctuationAfter)
        var canOpen = leftFlanking
        var canClose = rightFlanking
        if marker == "_" {
            // snake_case_names stay as written: `_` inside a word neither opens nor closes.
            canOpen = leftFlanking && (!rightFlanking || punctuationBefore)
            canClose = rightFlanking && (!leftFlanking || punctuationAfter)
        }
        guard let kind = Self.kinds.firstIndex(where: { $0.marker == marker && $0.count == count }) else {
            tokens.append(.marker(marker, count: count))
            return start + count
        }
        if canClose, openerCounts[kind] > 0 {
            // Openers above the partner can no longer close properly nested, so they stay text.
            while let opener = openers.popLast() {
                openerCounts[opener.kind] -= 1
                if opener.kind == kind {
                    tokens[opener.token] = .open(Self.kinds[kind].flags)
                    tokens.append(.close(Self.kinds[kind].flags))
                    return start + count
                }
            }
        }
        tokens.append(.marker(marker, count: count))
        if canOpen {
            openers.append((tokens.count - 1, kind))
            openerCounts[kind] += 1
        }
        return start + count
    }

    /// `[text](url)` with `bracket` at the `[`: where its text ends, where reading resumes, and its URL.
    private func link(at bracket: Int) -> (textEnd: Int, resume: Int, url: String)? {
        guard bracket < characters.count, characters[bracket] == "[",
              let textEnd = closingBracket[bracket], textEnd + 1 < characters.count, characters[textEnd + 1] == "(",
              let close = closingParenthesis[textEnd + 1] else { return nil }
        var target = characters[(textEnd + 2)..<close]
        if target.first == "<", target.last == ">", target.count >= 2 { target = target.dropFirst().dropLast() }
        guard let url = Self.acceptedURL(target) else { return nil }
        return (textEnd, close + 1, url)
    }

    /// `<https://…>`: the URL is its own text. The scan stops at the next `<`, so no character is
    /// scanned twice however many `<` the text holds.
    private mutating func autolink(at start: Int) -> Int {
        var index = start + 1
        while index < characters.count, index - start <= Self.longestURL + 1 {
            let character = characters[index]
            if character == ">" || character == "<" || character.isWhitespace { break }
            index += 1
        }
        if index < characters.count, characters[index] == ">", let url = Self.acceptedURL(characters[(start + 1)..<index]) {
            tokens.append(.linkStart(url))
            tokens.append(contentsOf: url.map { .character($0) })
            tokens.append(.linkEnd)
            return index + 1
        }
        tokens.append(.character("<"))
        return start + 1
    }

    static let longestURL = 2048

    /// The URL if Telegram may link to it: web, mail and Telegram's own links only, so a `javascript:`
    /// or `file:` link shows as text.
    static func acceptedURL(_ target: ArraySlice<Character>) -> String? {
        guard target.count <= longestURL, !target.contains(where: \.isWhitespace) else { return nil }
        let url = String(target)
        let lowered = url.lowercased()
        for scheme in ["http://", "https://", "mailto:", "tg://"] where lowered.hasPrefix(scheme) && lowered.count > scheme.count {
            return url
        }
        return nil
    }

    // MARK: Output

    private func emit(style base: StyledText.Style, into text: inout StyledText) {
        var bold = 0, italic = 0, strike = 0
        var style = base
        func update(_ flags: StyledText.Flags, by change: Int) {
            if flags.contains(.bold) { bold += change }
            if flags.contains(.italic) { italic += change }
            if flags.contains(.strike) { strike += change }
            style.flags = base.flags
            if bold > 0 { style.flags.insert(.bold) }
            if italic > 0 { style.flags.insert(.italic) }
            if strike > 0 { style.flags.insert(.strike) }
        }
        for token in tokens {
            switch token {
            case let .character(character): text.append(character, style)
            case let .marker(marker, count): for _ in 0..<count { text.append(marker, style) }
            case let .open(flags): update(flags, by: 1)
            case let .close(flags): update(flags, by: -1)
            case let .code(range):
                var codeStyle = style
                codeStyle.flags.insert(.code)
                for character in characters[range] { text.append(character == "\n" ? " " : character, codeStyle) }
            case let .linkStart(url): style.link = url
            case .linkEnd: style.link = base.link
            }
        }
    }
}

extension Character {
    /// Unicode punctuation or symbol, as CommonMark's flanking rules count them.
    var isPunctuationOrSymbol: Bool { isPunctuation || isSymbol }
}
