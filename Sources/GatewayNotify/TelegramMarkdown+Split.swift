/// Cuts styled text into messages below the limit and writes each as Telegram HTML and as plain text.
///
/// A part's cost is what its HTML will measure: the tags open at its start, every escaped character,
/// every tag change between characters, and the tags it must close at its end. That cost only grows as
/// a part grows, so the cut can be chosen by walking forward once: at a blank line if there is one in the
/// part's second half, else a line break, else a space, else between two characters. Cuts fall only
/// between characters, so never inside an entity, a tag, a surrogate pair or a (sane) grapheme.
struct MessageSplitter {
    /// One HTML tag pair. `rank` orders what may hold what: a quote outermost, then a link, then bold,
    /// italic and strike in any order, then code, which Telegram lets hold nothing.
    struct Tag: Equatable {
        var rank: Int
        var opening: String
        var closing: String
        var openingUnits: Int { opening.utf16.count }
        var closingUnits: Int { closing.utf16.count }

        init(rank: Int, _ opening: String, _ closing: String) {
            self.rank = rank
            self.opening = opening
            self.closing = closing
        }

        static func == (lhs: Tag, rhs: Tag) -> Bool { lhs.opening == rhs.opening }
    }

    /// How much formatting a part keeps. A part whose first character cannot fit with all its tags (a tiny
    /// limit, a huge URL) drops the code block's language and the link, and failing that, every tag.
    enum Detail: Int, CaseIterable {
        case full, withoutLinksOrLanguage, none
    }

    let text: StyledText
    let limit: Int
    /// The tags of each style, by detail: `tagsByDetail[detail][styleIndex]`.
    private let tagsByDetail: [[[Tag]]]

    init(text: StyledText, limit: Int) {
        self.text = text
        self.limit = limit
        tagsByDetail = Detail.allCases.map { detail in text.styles.map { Self.tags(for: $0, detail: detail) } }
    }

    static func tags(for style: StyledText.Style, detail: Detail) -> [Tag] {
        guard detail != .none else { return [] }
        var tags: [Tag] = []
        if style.flags.contains(.quote) { tags.append(Tag(rank: 0, "<blockquote>", "</blockquote>")) }
        if let link = style.link, detail == .full {
            let href = TelegramFormat.escape(link).replacingOccurrences(of: "\"", with: "&quot;")
            tags.append(Tag(rank: 1, "<a href=\"\(href)\">", "</a>"))
        }
        if style.flags.contains(.bold) { tags.append(Tag(rank: 2, "<b>", "</b>")) }
        if style.flags.contains(.italic) { tags.append(Tag(rank: 2, "<i>", "</i>")) }
        if style.flags.contains(.strike) { tags.append(Tag(rank: 2, "<s>", "</s>")) }
        if style.flags.contains(.code) { tags.append(Tag(rank: 3, "<code>", "</code>")) }
        if style.flags.contains(.pre) {
            if let language = style.language, detail == .full {
                tags.append(Tag(rank: 3, "<pre><code class=\"language-\(language)\">", "</code></pre>"))
            } else {
                tags.append(Tag(rank: 3, "<pre>", "</pre>"))
            }
        }
        return tags
    }

    /// How many of `open` can stay open for a character shown in `target`: a tag stays only while it is
    /// wanted and nothing the target places outside it would have to open inside it.
    static func keptCount(_ open: [Tag], _ target: [Tag]) -> Int {
        var kept = 0
        for tag in open {
            guard target.contains(tag) else { break }
            let keptSoFar = open[..<kept]
            if target.contains(where: { $0.rank < tag.rank && !keptSoFar.contains($0) }) { break }
            kept += 1
        }
        return kept
    }

    // MARK: Cutting

    func parts() -> [TelegramFormat.Part] {
        var parts: [TelegramFormat.Part] = []
        var start = skipWhitespace(from: 0)
        while start < text.count {
            let detail = Detail.allCases.first { fitsFirstCharacter(at: start, detail: $0) } ?? .none
            let cut = cutIndex(from: start, detail: detail)
            var end = cut
            while end > start, text.characters[end - 1].isWhitespace { end -= 1 }
            if end > start { parts.append(part(start..<end, detail: detail)) }
            // The space or line break cut at goes with the cut; so does whitespace after it, except a
            // code line's indentation.
            start = skipWhitespace(from: cut < text.count && text.characters[cut].isWhitespace ? cut + 1 : cut)
        }
        return parts.isEmpty ? [TelegramFormat.Part(html: "", plain: "")] : parts
    }

    /// Whitespace at a cut is dropped, except the indentation of a code line.
    private func skipWhitespace(from index: Int) -> Int {
        var index = index
        while index < text.count, text.characters[index].isWhitespace,
              text.characters[index] == "\n" || !text.style(at: index).flags.contains(.pre) {
            index += 1
        }
        return index
    }

    private func tags(at index: Int, _ detail: Detail) -> [Tag] {
        tagsByDetail[detail.rawValue][Int(text.styleIndices[index])]
    }

    private func fitsFirstCharacter(at index: Int, detail: Detail) -> Bool {
        let tags = tags(at: index, detail)
        let units = tags.reduce(0) { $0 + $1.openingUnits + $1.closingUnits } + TelegramFormat.escapedUnits(text.characters[index])
        return units < limit
    }

    /// Where the part starting at `start` ends (exclusive).
    private func cutIndex(from start: Int, detail: Detail) -> Int {
        var open: [Tag] = []
        var openStyle: Int32 = -1
        var closingUnits = 0
        var units = 0
        var blankLine: (index: Int, units: Int)?
        var lineBreak: (index: Int, units: Int)?
        var space: (index: Int, units: Int)?
        var sawText = false
        var index = start
        while index < text.count {
            let character = text.characters[index]
            var nextUnits = units + TelegramFormat.escapedUnits(character)
            var nextOpen = open
            var nextClosing = closingUnits
            let styleIndex = text.styleIndices[index]
            if styleIndex != openStyle {
                let target = tags(at: index, detail)
                let kept = Self.keptCount(open, target)
                for tag in open[kept...] { nextUnits += tag.closingUnits; nextClosing -= tag.closingUnits }
                nextOpen = Array(open[..<kept])
                for tag in target where !nextOpen.contains(tag) {
                    nextUnits += tag.openingUnits
                    nextClosing += tag.closingUnits
                    nextOpen.append(tag)
                }
            }
            if nextUnits + nextClosing >= limit { break }
            if sawText {
                if character == "\n" {
                    if index > start, text.characters[index - 1] == "\n" { blankLine = (index - 1, units) } else { lineBreak = (index, units) }
                } else if character == " " || character == "\t" {
                    space = (index, units)
                }
            }
            if !character.isWhitespace { sawText = true }
            (units, open, closingUnits, openStyle) = (nextUnits, nextOpen, nextClosing, styleIndex)
            index += 1
        }
        guard index < text.count else { return index }
        let half = limit / 2
        for boundary in [blankLine, lineBreak, space] {
            if let boundary, boundary.units >= half { return boundary.index }
        }
        let latest = [blankLine, lineBreak, space].compactMap { $0?.index }.max()
        return latest ?? max(index, start + 1)
    }

    // MARK: Writing

    private func part(_ range: Range<Int>, detail: Detail) -> TelegramFormat.Part {
        var html = ""
        var plain = ""
        var plainWithoutURLs = ""
        var open: [Tag] = []
        var openStyle: Int32 = -1
        for index in range {
            let styleIndex = text.styleIndices[index]
            if styleIndex != openStyle {
                let target = tags(at: index, detail)
                let kept = Self.keptCount(open, target)
                for tag in open[kept...].reversed() { html += tag.closing }
                open.removeLast(open.count - kept)
                for tag in target where !open.contains(tag) {
                    html += tag.opening
                    open.append(tag)
                }
                openStyle = styleIndex
            }
            let character = text.characters[index]
            switch character {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            default: html.append(character)
            }
            plain.append(character)
            plainWithoutURLs.append(character)
            if let suffix = linkSuffix(after: index) { plain += suffix }
        }
        for tag in open.reversed() { html += tag.closing }
        // Only a part that lost its link tag can find its URLs too long; its text still fits.
        return TelegramFormat.Part(html: html, plain: plain.utf16.count < limit ? plain : plainWithoutURLs)
    }

    /// ` (url)` after a link's last character, unless the link's text is its URL. A link cut in two gets
    /// its URL once, after its second half.
    private func linkSuffix(after index: Int) -> String? {
        guard let url = text.style(at: index).link,
              index + 1 == text.count || text.style(at: index + 1).link != url else { return nil }
        var first = index
        while first > 0, text.style(at: first - 1).link == url, index - first < url.count { first -= 1 }
        if index - first + 1 == url.count, String(text.characters[first...index]) == url { return nil }
        return " (\(url))"
    }
}
