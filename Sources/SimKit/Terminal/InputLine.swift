/// The text in the input box. Large pastes show as `[Pasted text #N +L lines]`, as in Claude Code, but
/// submit their full content; Backspace removes such a paste whole.
public struct InputLine: Sendable {
    public init() {}

    private enum Piece: Sendable {
        case character(Character)
        case paste(number: Int, content: String)
    }

    private var pieces: [Piece] = []
    private var pasteCount = 0

    /// Pastes longer than this, or with more than two lines, are collapsed on screen.
    public static let collapseCharacters = 800

    public var isEmpty: Bool { pieces.isEmpty }

    public mutating func type(_ text: String) {
        pieces += text.map { .character($0) }
    }

    /// Claude Code 2.1.332 turns each pasted tab into four spaces.
    public mutating func paste(_ pasted: String) {
        let text = pasted.replacingOccurrences(of: "\t", with: "    ")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        if text.count > Self.collapseCharacters || lines > 2 {
            pasteCount += 1
            pieces.append(.paste(number: pasteCount, content: text))
        } else {
            type(text)
        }
    }

    public mutating func backspace() {
        if !pieces.isEmpty { pieces.removeLast() }
    }

    public mutating func clear() {
        pieces = []
    }

    /// What is submitted: typed characters and pasted content, byte for byte.
    public var text: String {
        pieces.map { piece in
            switch piece {
            case .character(let character): String(character)
            case .paste(_, let content): content
            }
        }.joined()
    }

    /// What the box shows.
    public var display: String {
        pieces.map { piece in
            switch piece {
            case .character(let character): String(character)
            case .paste(let number, let content):
                "[Pasted text #\(number) +\(content.split(separator: "\n", omittingEmptySubsequences: false).count - 1) lines]"
            }
        }.joined()
    }
}
