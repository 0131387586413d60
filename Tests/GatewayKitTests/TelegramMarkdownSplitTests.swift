import Testing
@testable import GatewayNotify

/// A small validator for the HTML Telegram accepts: known tags only, balanced and nested, nothing inside
/// code, and only the four entities.
enum TelegramHTMLCheck {
    static let tags: Set<String> = ["b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"]

    /// What is wrong with `html`, or nil.
    static func problem(in html: String) -> String? {
        let characters = Array(html)
        var open: [String] = []
        var index = 0
        while index < characters.count {
            switch characters[index] {
            case "<":
                guard let end = characters[index...].firstIndex(of: ">") else { return "unterminated tag" }
                let body = String(characters[(index + 1)..<end])
                if body.hasPrefix("/") {
                    let name = String(body.dropFirst())
                    guard open.last == name else { return "closes \(name) but \(open.last ?? "nothing") is open" }
                    open.removeLast()
                } else {
                    let name = String(body.prefix { $0 != " " })
                    guard tags.contains(name) else { return "unknown tag \(name)" }
                    if name == "a", !body.hasPrefix("a href=\"") { return "link without href" }
                    if let inner = open.last, inner == "code" || inner == "pre" {
                        // The one tag allowed inside <pre> is its <code class="language-x">, first thing.
                        let afterPre = inner == "pre" && name == "code" && body.hasPrefix("code class=\"language-")
                            && html.utf16.count > 0 && String(characters[..<index]).hasSuffix("<pre>")
                        if !afterPre { return "<\(name)> inside <\(inner)>" }
                    }
                    open.append(name)
                }
                index = end + 1
            case "&":
                let rest = String(characters[index..<min(index + 6, characters.count)])
                guard ["&amp;", "&lt;", "&gt;", "&quot;"].contains(where: { rest.hasPrefix($0) }) else { return "bad entity at \(index)" }
                index += 1
            case ">":
                return "bare > at \(index)"
            default:
                index += 1
            }
        }
        return open.isEmpty ? nil : "left open: \(open)"
    }
}

/// A seeded generator, so a failing input can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct TelegramMarkdownSplitTests {
    /// Every part is valid HTML under the limit with a plain fallback under it too.
    func check(_ parts: [TelegramFormat.Part], limit: Int, _ comment: Comment? = nil) {
        #expect(!parts.isEmpty)
        for part in parts {
            #expect(part.html.utf16.count < limit, comment)
            #expect(part.plain.utf16.count < limit, comment)
            let problem = TelegramHTMLCheck.problem(in: part.html)
            #expect(problem == nil, "\(problem ?? "") in \(part.html.prefix(300))")
        }
    }

    func withoutWhitespace(_ text: String) -> String { String(text.filter { !$0.isWhitespace }) }

    func wholePlain(_ markdown: String) -> String {
        TelegramMarkdown.parts(markdown, limit: 1 << 40).map(\.plain).joined()
    }

    static let fragments = [
        "word", "other", "**", "*", "_", "__", "~~", "`", "``", "\\*", " ", " ", " ", "\n", "\n\n", "\n```swift\n",
        "\n```\n", "\n> ", "\n- ", "\n  * ", "\n1. ", "\n# ", "\n---\n", "[link](https://example.com/x)", "<&>",
        "\"q\"", "🚀", "👩‍👩‍👧", "进展", "\u{200F}", "snake_case", "|", "\n| a | b |\n|---|---|\n| c | d |\n",
        String(repeating: "long", count: 40), "(", ")", "[", "]",
    ]

    func randomMarkdown(_ random: inout SeededRandom) -> String {
        let count = Int.random(in: 1...400, using: &random)
        return (0..<count).map { _ in Self.fragments.randomElement(using: &random)! }.joined()
    }

    @Test func randomMarkdownSplitsIntoValidPartsThatKeepEveryWord() {
        var random = SeededRandom(state: 20_240_601)
        for round in 0..<300 {
            let markdown = randomMarkdown(&random)
            let limit = Int.random(in: 128...700, using: &random)
            let parts = TelegramMarkdown.parts(markdown, limit: limit)
            check(parts, limit: limit, "round \(round)")
            #expect(withoutWhitespace(parts.map(\.plain).joined()) == withoutWhitespace(wholePlain(markdown)), "round \(round)")
        }
    }

    @Test func aCutInsideFormattingClosesAndReopensIt() {
        let words = (1...60).map { "w\($0)" }.joined(separator: " ")
        let parts = TelegramMarkdown.parts("**\(words)**\n\n```swift\n\(words)\n```", limit: 100)
        check(parts, limit: 100)
        #expect(parts.count > 4)
        let boldParts = parts.filter { $0.html.hasPrefix("<b>") }
        #expect(boldParts.count > 1 && boldParts.allSatisfy { $0.html.hasSuffix("</b>") })
        let codeParts = parts.filter { $0.html.hasPrefix("<pre><code class=\"language-swift\">") }
        #expect(codeParts.count > 1 && codeParts.allSatisfy { $0.html.hasSuffix("</code></pre>") })
        #expect(parts.map(\.plain).joined(separator: " ") == words + " " + words)
    }

    @Test func cutsPreferBlankLinesThenLines() {
        let paragraph = (1...30).map { "word\($0)" }.joined(separator: " ")
        let parts = TelegramMarkdown.parts([paragraph, paragraph, paragraph].joined(separator: "\n\n"), limit: 500)
        #expect(parts.map(\.plain) == [paragraph + "\n\n" + paragraph, paragraph])
        let lines = (1...100).map { "line \($0)" }
        for part in TelegramMarkdown.parts(lines.joined(separator: "\n"), limit: 100) {
            #expect(part.plain.hasPrefix("line ") && lines.contains(String(part.plain.split(separator: "\n").last!)))
        }
    }

    @Test func aLinkCutInTwoGivesItsURLOnce() {
        let text = (1...40).map { "t\($0)" }.joined(separator: " ")
        let parts = TelegramMarkdown.parts("[\(text)](https://example.com)", limit: 120)
        check(parts, limit: 120)
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.html.hasPrefix("<a href=\"https://example.com\">") })
        #expect(parts.map(\.plain).joined().components(separatedBy: "(https://example.com)").count == 2)
    }

    @Test func theLimitIsStrict() {
        let fits = String(repeating: "a", count: 99)
        #expect(TelegramMarkdown.parts(fits, limit: 100).map(\.html) == [fits])
        #expect(TelegramMarkdown.parts(fits + "a", limit: 100).map(\.html.utf16.count) == [99, 1])
        #expect(TelegramMarkdown.parts("**\(fits)**", limit: 100).map(\.html.utf16.count) == [99, 14])
    }

    // MARK: Hostile input

    @Test func aQuarterMegabyteOfMarkersFinishesAndStaysText() {
        let stars = String(repeating: "*", count: 1 << 18)
        #expect(TelegramMarkdown.parts(stars).map(\.html) == ["———"])
        let starWords = String(repeating: "*a", count: 1 << 17)
        let parts = TelegramMarkdown.parts(starWords)
        check(parts, limit: TelegramFormat.maxUnits)
        #expect(withoutWhitespace(parts.map(\.plain).joined()).count >= (1 << 17))
        let ticks = String(repeating: "` ``", count: 1 << 16)
        check(TelegramMarkdown.parts(ticks), limit: TelegramFormat.maxUnits)
        let brackets = String(repeating: "[a](", count: 1 << 16) + String(repeating: "<http", count: 1 << 14)
        let bracketParts = TelegramMarkdown.parts(brackets)
        check(bracketParts, limit: TelegramFormat.maxUnits)
        #expect(bracketParts.map(\.plain).joined() == brackets)
    }

    @Test func deepNestingIsFlattened() {
        let quotes = String(repeating: ">", count: 100_000) + " deep"
        #expect(TelegramMarkdown.parts(quotes).map(\.html) == ["<blockquote>deep</blockquote>"])
        let bolds = String(repeating: "**a ", count: 100_000) + String(repeating: " b**", count: 100_000)
        let parts = TelegramMarkdown.parts(bolds)
        check(parts, limit: TelegramFormat.maxUnits)
        #expect(withoutWhitespace(parts.map(\.plain).joined()) == String(repeating: "a", count: 100_000) + String(repeating: "b", count: 100_000))
        #expect(parts.allSatisfy { $0.html.hasPrefix("<b>") })
        let lists = String(repeating: "- ", count: 50_000) + "x"
        check(TelegramMarkdown.parts(lists), limit: TelegramFormat.maxUnits)
    }

    @Test func unterminatedFencesAndOddCharacters() {
        let input = "```swift\n" + String(repeating: "let x = \"<&>\" // 🚀 进展 \u{200F}\u{0}\u{1B}[31m\n", count: 2000)
        let parts = TelegramMarkdown.parts(input)
        check(parts, limit: TelegramFormat.maxUnits)
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.html.hasPrefix("<pre><code class=\"language-swift\">") && !$0.plain.contains("\u{0}") })
        let zalgo = "e" + String(repeating: "\u{301}", count: 10_000)
        let zalgoParts = TelegramMarkdown.parts(zalgo, limit: 100)
        check(zalgoParts, limit: 100)
        #expect(zalgoParts.map(\.plain).joined().unicodeScalars.count == 10_001)
    }

    @Test func aLongWordAndATinyLimit() {
        let word = String(repeating: "x", count: 10_000)
        let parts = TelegramMarkdown.parts("**\(word)**", limit: 20)
        check(parts, limit: 20)
        #expect(parts.map(\.plain).joined() == word)
        var random = SeededRandom(state: 7)
        for round in 0..<100 {
            let markdown = randomMarkdown(&random)
            for limit in [1, 8, 20, 33] {
                let tiny = TelegramMarkdown.parts(markdown, limit: limit)
                check(tiny, limit: max(limit, 8), "round \(round) limit \(limit)")
            }
        }
    }
}
