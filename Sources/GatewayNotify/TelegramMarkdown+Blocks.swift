/// The line-level half of the Markdown reader: which lines are code, quotes, headings, lists, rules,
/// tables or paragraphs. Each recogniser looks at one line (or a fence's lines) once, so the whole pass is
/// linear in the input.
struct MarkdownBlocks {
    var text: StyledText
    /// The format every character of the current block carries (the quote around its lines).
    var base = StyledText.Style.plain
    /// Lines written under `base` so far: the break before a quote's first line belongs outside it.
    private var linesInBase = 0
    private var blankLinePending = false

    init(longestGrapheme: Int) {
        text = StyledText(longestGrapheme: longestGrapheme)
    }

    mutating func render(_ markdown: String) {
        let lines = Self.lines(of: markdown)
        renderLines(lines[...], insideQuote: false)
        text.trimTrailingWhitespace()
    }

    /// The input's lines, with `\r\n` and `\r` read as `\n` and control characters dropped: Telegram shows
    /// none of them, and a NUL can end the text early on the way to it.
    static func lines(of markdown: String) -> [[Character]] {
        var lines: [[Character]] = []
        var line: [Character] = []
        var scalars = String.UnicodeScalarView()
        var afterCarriageReturn = false
        func flushScalars() {
            guard !scalars.isEmpty else { return }
            line.append(contentsOf: String(scalars))
            scalars = String.UnicodeScalarView()
        }
        for scalar in markdown.unicodeScalars {
            let value = scalar.value
            if value == 0x0A || value == 0x0D {
                if value == 0x0A, afterCarriageReturn { afterCarriageReturn = false; continue }
                afterCarriageReturn = value == 0x0D
                flushScalars()
                lines.append(line)
                line = []
                continue
            }
            afterCarriageReturn = false
            if (value < 0x20 && value != 0x09) || value == 0x7F { continue }
            scalars.append(scalar)
            // Flush in chunks so a megabyte-long line does not build one huge scalar buffer twice.
            if scalars.count >= 4096 { flushScalars() }
        }
        flushScalars()
        lines.append(line)
        return lines
    }

    // MARK: Writing lines

    /// Starts a new output line: the break between lines, or a blank line where the input had one.
    mutating func startLine() {
        if !text.isEmpty {
            let separator = linesInBase > 0 ? base : .plain
            text.append("\n", separator)
            if blankLinePending { text.append("\n", separator) }
        }
        blankLinePending = false
        linesInBase += 1
    }

    private mutating func writeInline<C: Collection<Character>>(_ line: C, adding flags: StyledText.Flags = []) {
        var style = base
        style.flags.formUnion(flags)
        InlineMarkdown.render(Array(line), style: style, into: &text)
    }

    // MARK: Blocks

    private mutating func renderLines(_ lines: ArraySlice<[Character]>, insideQuote: Bool) {
        var index = lines.startIndex
        while index < lines.endIndex {
            let line = lines[index][...]
            if Self.isBlank(line) {
                if !text.isEmpty { blankLinePending = true }
                index += 1
            } else if !insideQuote, Self.quoteContent(line) != nil {
                var quoted: [[Character]] = []
                while index < lines.endIndex, let content = Self.quoteContent(lines[index][...]) {
                    quoted.append(Array(content))
                    index += 1
                }
                let (outerBase, outerLines) = (base, linesInBase)
                base.flags.insert(.quote)
                linesInBase = 0
                renderLines(quoted[...], insideQuote: true)
                (base, linesInBase) = (outerBase, outerLines)
            } else if let fence = Fence(opening: line) {
                index = renderFence(fence, lines: lines, from: index + 1)
            } else if let heading = Self.headingContent(line) {
                startLine()
                writeInline(heading, adding: .bold)
                index += 1
            } else if Self.isRule(line) {
                startLine()
                text.append(contentsOf: "———", base)
                index += 1
            } else if Self.startsTable(lines, at: index) {
                index = renderTable(lines, from: index)
            } else if let item = ListItem(line) {
                startLine()
                text.append(contentsOf: item.prefix, base)
                writeInline(item.content)
                index += 1
            } else {
                var paragraph: [Character] = []
                repeat {
                    if !paragraph.isEmpty { paragraph.append("\n") }
                    paragraph.append(contentsOf: Self.trimmingTrailingWhitespace(lines[index][...]))
                    index += 1
                } while index < lines.endIndex && Self.continuesParagraph(lines, at: index, insideQuote: insideQuote)
                startLine()
                writeInline(paragraph)
            }
        }
    }

    /// Whether the line at `index` is more of the paragraph above it rather than a block of its own.
    private static func continuesParagraph(_ lines: ArraySlice<[Character]>, at index: Int, insideQuote: Bool) -> Bool {
        let line = lines[index][...]
        if isBlank(line) || Fence(opening: line) != nil || headingContent(line) != nil || isRule(line) { return false }
        if !insideQuote, quoteContent(line) != nil { return false }
        return ListItem(line) == nil && !startsTable(lines, at: index)
    }

    /// Writes a fenced block's lines as one `<pre>`; returns the index after its closing fence, or the end
    /// when the fence is never closed.
    private mutating func renderFence(_ fence: Fence, lines: ArraySlice<[Character]>, from first: Int) -> Int {
        var style = base
        style.flags.insert(.pre)
        style.language = fence.language
        var index = first
        var wroteLine = false
        while index < lines.endIndex, !fence.isClosed(by: lines[index][...]) {
            if !wroteLine { startLine() } else { text.append("\n", style) }
            text.append(contentsOf: fence.content(of: lines[index][...]), style)
            wroteLine = true
            index += 1
        }
        return min(index + 1, lines.endIndex)
    }

    // MARK: Line recognisers

    static func isBlank(_ line: ArraySlice<Character>) -> Bool {
        line.allSatisfy(\.isWhitespace)
    }

    static func trimmingTrailingWhitespace(_ line: ArraySlice<Character>) -> ArraySlice<Character> {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1].isWhitespace { end -= 1 }
        return line[line.startIndex..<end]
    }

    /// The line without up to three leading spaces, or nil when it is indented further.
    static func dropIndent(_ line: ArraySlice<Character>) -> ArraySlice<Character>? {
        var rest = line
        var spaces = 0
        while rest.first == " " {
            spaces += 1
            rest = rest.dropFirst()
        }
        return spaces <= 3 ? rest : nil
    }

    /// A quote's text with every level of `>` removed: Telegram refuses nested quotes, so they merge.
    static func quoteContent(_ line: ArraySlice<Character>) -> ArraySlice<Character>? {
        guard var rest = dropIndent(line), rest.first == ">" else { return nil }
        while let unindented = dropIndent(rest), unindented.first == ">" {
            rest = unindented.dropFirst()
            if rest.first == " " { rest = rest.dropFirst() }
        }
        return rest
    }

    static func headingContent(_ line: ArraySlice<Character>) -> ArraySlice<Character>? {
        guard let rest = dropIndent(line), rest.first == "#" else { return nil }
        let level = rest.prefix(while: { $0 == "#" }).count
        var content = rest.dropFirst(level)
        guard level <= 6, content.isEmpty || content.first == " " || content.first == "\t" else { return nil }
        content = trimmingTrailingWhitespace(content.drop(while: \.isWhitespace))
        // A closing run of #s is decoration, unless it is the heading's own text ("# C#" keeps its #).
        let closing = content.reversed().prefix(while: { $0 == "#" }).count
        if closing > 0 {
            let before = content.dropLast(closing)
            if before.isEmpty || before.last == " " || before.last == "\t" { content = trimmingTrailingWhitespace(before) }
        }
        return content
    }

    /// `---`, `***` or `___` (spaces allowed between), alone on the line.
    static func isRule(_ line: ArraySlice<Character>) -> Bool {
        guard let rest = dropIndent(line), let marker = rest.first, marker == "-" || marker == "*" || marker == "_" else { return false }
        var count = 0
        for character in rest {
            if character == marker { count += 1 } else if character != " " && character != "\t" { return false }
        }
        return count >= 3
    }
}

/// A list item's line: its marker becomes a bullet (or keeps its number), its indentation stays so nested
/// lists still read as nested.
struct ListItem: Equatable {
    var prefix: [Character]
    var content: ArraySlice<Character>

    init?(_ line: ArraySlice<Character>) {
        let indent = line.prefix(while: { $0 == " " || $0 == "\t" })
        let rest = line.dropFirst(indent.count)
        guard let first = rest.first else { return nil }
        if first == "-" || first == "*" || first == "+" {
            let after = rest.dropFirst()
            guard after.first == " " || after.first == "\t" else { return nil }
            var content = after.drop(while: { $0 == " " || $0 == "\t" })
            var bullet: [Character] = ["•", " "]
            // Task items: a box reads better than brackets.
            if content.starts(with: ["[", " ", "]", " "]) {
                bullet += ["☐", " "]
                content = content.dropFirst(4)
            } else if content.starts(with: ["[", "x", "]", " "]) || content.starts(with: ["[", "X", "]", " "]) {
                bullet += ["☑", " "]
                content = content.dropFirst(4)
            }
            prefix = Array(indent) + bullet
            self.content = content
        } else if first.isASCII, first.isNumber {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            let after = rest.dropFirst(digits.count)
            guard digits.count <= 9, let delimiter = after.first, delimiter == "." || delimiter == ")" else { return nil }
            let spacing = after.dropFirst()
            guard spacing.first == " " || spacing.first == "\t" else { return nil }
            prefix = Array(indent) + Array(digits) + [delimiter, " "]
            content = spacing.drop(while: { $0 == " " || $0 == "\t" })
        } else {
            return nil
        }
    }
}

/// A fenced code block's opening line: its marker, its length, its indentation and its language.
struct Fence {
    var marker: Character
    var length: Int
    var indent: Int
    var language: String?

    init?(opening line: ArraySlice<Character>) {
        let indentation = line.prefix(while: { $0 == " " })
        let rest = line.dropFirst(indentation.count)
        guard let marker = rest.first, marker == "`" || marker == "~" else { return nil }
        let run = rest.prefix(while: { $0 == marker }).count
        let info = rest.dropFirst(run)
        // "```x```" on one line is inline code, not a fence.
        guard run >= 3, marker == "~" || !info.contains("`") else { return nil }
        self.marker = marker
        length = run
        indent = indentation.count
        let word = info.drop(while: \.isWhitespace).prefix(while: { !$0.isWhitespace })
        language = Self.className(word)
    }

    /// The language as Telegram's class name may hold it: letters, digits and `+#._-`, at most 32.
    static func className(_ word: ArraySlice<Character>) -> String? {
        let safe = word.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "+#._-".contains($0)) }.prefix(32)
        return safe.isEmpty ? nil : String(safe)
    }

    func isClosed(by line: ArraySlice<Character>) -> Bool {
        let rest = line.drop(while: { $0 == " " })
        let run = rest.prefix(while: { $0 == marker }).count
        return run >= length && rest.dropFirst(run).allSatisfy(\.isWhitespace)
    }

    /// A code line without the fence's own indentation, which belongs to the list the block sits in.
    func content(of line: ArraySlice<Character>) -> ArraySlice<Character> {
        let spaces = line.prefix(while: { $0 == " " }).count
        return line.dropFirst(min(spaces, indent))
    }
}
