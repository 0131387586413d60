/// What the Markdown parser produces and the splitter consumes: the text to show, one `Character` at a
/// time, each tagged with the set of formats it is shown in.
///
/// Formats are kept as a set per character rather than as a tree of spans, so the HTML written from them
/// is properly nested by construction, whatever the Markdown's markers did: a cut anywhere only has to
/// close what is open and reopen it in the next message.
struct StyledText {
    /// The formats one character is shown in.
    struct Style: Hashable {
        var flags: Flags = []
        /// Where the character links to, already checked to be a scheme Telegram accepts.
        var link: String?
        /// The code block's language, already reduced to characters safe in a class name.
        var language: String?

        static let plain = Style()

        /// Code shows no other format inside it and Telegram refuses a link around it, so code that sits
        /// in a link shows as the link's text, and code elsewhere drops bold, italic and strike.
        func resolved() -> Style {
            var style = self
            if style.link != nil {
                style.flags.remove([.code, .pre])
                style.language = nil
            } else if !style.flags.isDisjoint(with: [.code, .pre]) {
                style.flags.subtract([.bold, .italic, .strike])
            }
            if !style.flags.contains(.pre) { style.language = nil }
            return style
        }
    }

    struct Flags: OptionSet, Hashable {
        let rawValue: UInt8
        static let bold = Flags(rawValue: 1)
        static let italic = Flags(rawValue: 2)
        static let strike = Flags(rawValue: 4)
        static let code = Flags(rawValue: 8)
        static let pre = Flags(rawValue: 16)
        static let quote = Flags(rawValue: 32)
    }

    private(set) var characters: [Character] = []
    /// For each character, its style's index in `styles`.
    private(set) var styleIndices: [Int32] = []
    private(set) var styles: [Style] = [.plain]
    private var styleIndex: [Style: Int32] = [.plain: 0]
    private var lastStyle = Style.plain
    private var lastIndex: Int32 = 0

    /// Graphemes longer than this many UTF-16 units are stored scalar by scalar. No real grapheme comes
    /// close; a hostile one (thousands of combining marks) could otherwise be larger than a message.
    let longestGrapheme: Int

    init(longestGrapheme: Int = 32) {
        self.longestGrapheme = longestGrapheme
    }

    var isEmpty: Bool { characters.isEmpty }
    var count: Int { characters.count }

    func style(at index: Int) -> Style { styles[Int(styleIndices[index])] }

    mutating func append(_ character: Character, _ style: Style) {
        let resolved = style.resolved()
        if resolved != lastStyle {
            lastStyle = resolved
            if let known = styleIndex[resolved] {
                lastIndex = known
            } else {
                lastIndex = Int32(styles.count)
                styles.append(resolved)
                styleIndex[resolved] = lastIndex
            }
        }
        if character.utf16.count > longestGrapheme {
            for scalar in character.unicodeScalars {
                characters.append(Character(scalar))
                styleIndices.append(lastIndex)
            }
        } else {
            characters.append(character)
            styleIndices.append(lastIndex)
        }
    }

    mutating func append<S: Sequence<Character>>(contentsOf text: S, _ style: Style) {
        for character in text { append(character, style) }
    }

    /// Drops trailing whitespace, so the text never ends in the separator of a block that showed nothing.
    mutating func trimTrailingWhitespace() {
        while let last = characters.last, last.isWhitespace {
            characters.removeLast()
            styleIndices.removeLast()
        }
    }
}
