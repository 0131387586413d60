import Foundation

/// Text that Gateway stores and types — prompts, HEARTBEAT.md, daily-log entries — obeys one rule:
///
/// - CR LF, a lone CR, and the Unicode line and paragraph separators (U+2028, U+2029) become LF;
/// - every other C0 control (U+0000–U+001F), DEL (U+007F) and C1 control (U+0080–U+009F) is removed;
///   tab and newline stay;
/// - invisible characters are removed — format characters (zero-width space, joiners, direction marks
///   and isolates, the byte-order mark, soft hyphen, tags…) and the blank fillers U+034F, U+115F,
///   U+1160, U+17B4, U+17B5, U+3164, U+FFA0 — except where they hold an emoji together: a joiner
///   between two emoji, a variation selector after an emoji, tags after a black flag.
///
/// Such a character in a prompt is never meant. A control would end a bracketed paste early, press a
/// key, cut a C string at a NUL, or make a daily log binary for git; an invisible character is removed
/// by Claude Code itself, which then holds the prompt for review instead of submitting it — so the
/// text it took would differ from the text sent.
public enum PlainText {
    public static func clean(_ text: String) -> String {
        let all = Array(text.unicodeScalars)
        guard all.indices.contains(where: { isRemovedOrChanged(all, at: $0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for (index, scalar) in all.enumerated() {
            if scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                scalars.append("\n")
            } else if scalar == "\n" {
                if index == 0 || all[index - 1] != "\r" { scalars.append(scalar) }
            } else if !isRemovedOrChanged(all, at: index) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Is the scalar at `index` one the rule removes or changes?
    static func isRemovedOrChanged(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let scalar = scalars[index]
        if scalar == "\n" || scalar == "\t" { return false }
        if isControl(scalar) || scalar == "\u{2028}" || scalar == "\u{2029}" { return true }
        guard isInvisible(scalar) else { return false }
        return !holdsEmojiTogether(scalars, at: index)
    }

    static let blankFillers: Set<UInt32> = [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0]

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format || blankFillers.contains(scalar.value)
            || (0xFE00...0xFE0F).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
    }

    /// A zero-width joiner between two emoji, a variation selector after an emoji (or a keycap's
    /// digit), a tag after a black flag or another tag: part of one emoji, kept.
    static func holdsEmojiTogether(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let scalar = scalars[index]
        let before = index > 0 ? scalars[index - 1] : nil
        let after = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch scalar.value {
        case 0x200D:
            guard let before, let after else { return false }
            let joinsFrom = before.properties.isEmoji || isEmojiSuffix(before)
            return joinsFrom && after.properties.isEmoji && !after.isASCII
        case 0xFE00...0xFE0F:
            return before?.properties.isEmoji == true
        case 0xE0020...0xE007F:
            return before?.value == 0x1F3F4 || (0xE0020...0xE007E).contains(before?.value ?? 0)
        default:
            return false
        }
    }

    /// What may end one emoji of a joined sequence: a variation selector, a skin tone, a tag's end.
    static func isEmojiSuffix(_ scalar: Unicode.Scalar) -> Bool {
        (0xFE00...0xFE0F).contains(scalar.value) || scalar.properties.isEmojiModifier || scalar.value == 0xE007F
    }

    /// One line of such text: the rule, then newlines and tabs as spaces (a heading, a title).
    public static func singleLine(_ text: String) -> String {
        clean(text).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

}
