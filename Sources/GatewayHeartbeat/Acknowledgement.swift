import Foundation

/// Finds `HEARTBEAT_OK` at the start or end of a reply, with markup and punctuation around it.
/// Markdown emphasis (`**`, `__`, `*`, `_`, `` ` ``, `~`) and the HTML tags that mean the same
/// (`<b>`, `<strong>`, `<i>`, `<em>`, `<code>`) wrap it alike: agents write either, and a wrapped
/// token is still only an acknowledgement, never something to tell the owner.
enum Acknowledgement {
    private static let emphasis: Set<Character> = ["*", "_", "`", "~"]
    private static let markup: Set<Character> = emphasis.union([">", "#"])
    private static let separators: Set<Character> = [".", "!", ",", ";", ":", "-", "—", "。", "！", "，", "；", "："]
    private static let joiners: Set<Character> = [":", "-", "—", "："]
    /// Opening and closing forms, matched in any letter case and without attributes.
    private static let tags: [String] = ["b", "strong", "i", "em", "code"].flatMap { ["<\($0)>", "</\($0)>"] }

    /// The text beside the token when the reply starts or ends with it; nil otherwise.
    static func remainder(of text: String) -> String? {
        let token = HeartbeatPrompt.okToken
        let head = dropLeading(Substring(text)) { markup.contains($0) || $0.isWhitespace }
        if head.prefix(token.count).uppercased() == token, !continuesWord(head.dropFirst(token.count).first) {
            let rest = dropLeading(head.dropFirst(token.count)) { emphasis.contains($0) }
                .drop(while: { $0.isWhitespace || separators.contains($0) })
            return rest.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let tail = dropTrailing(text) { $0.isWhitespace || emphasis.contains($0) || separators.contains($0) }
        if tail.suffix(token.count).uppercased() == token, !continuesWord(tail.dropLast(token.count).last) {
            // Only markup touching the token belongs to it; sentence punctuation stays with the note.
            let before = trimmingEnd(dropTrailing(String(tail.dropLast(token.count))) { emphasis.contains($0) }) {
                $0.isWhitespace || joiners.contains($0)
            }
            return before.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }

    /// Drops characters matching `predicate` and wrapping tags from the start, in any mix.
    private static func dropLeading(_ text: Substring, while predicate: (Character) -> Bool) -> Substring {
        var rest = text
        while true {
            rest = rest.drop(while: predicate)
            guard let tag = tags.first(where: { rest.prefix($0.count).lowercased() == $0 }) else { return rest }
            rest = rest.dropFirst(tag.count)
        }
    }

    /// Drops characters matching `predicate` and wrapping tags from the end, in any mix.
    private static func dropTrailing(_ text: String, while predicate: (Character) -> Bool) -> String {
        var rest = text
        while true {
            rest = trimmingEnd(rest, while: predicate)
            guard let tag = tags.first(where: { rest.suffix($0.count).lowercased() == $0 }) else { return rest }
            rest.removeLast(tag.count)
        }
    }

    private static func trimmingEnd(_ text: String, while predicate: (Character) -> Bool) -> String {
        var result = text
        while let last = result.last, predicate(last) { result.removeLast() }
        return result
    }

    /// An ASCII letter or digit right beside the token makes it part of another word (`HEARTBEAT_OKAY`).
    private static func continuesWord(_ character: Character?) -> Bool {
        guard let character, character.isASCII else { return false }
        return character.isLetter || character.isNumber
    }
}
