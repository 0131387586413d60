import Foundation

/// Text that Gateway stores and types — prompts, daily-log entries — obeys one rule for control
/// characters: CR LF and a lone CR become LF; every other C0 control (U+0000–U+001F), DEL (U+007F) and
/// C1 control (U+0080–U+009F) is removed; tab and newline stay. A control character in such text is
/// never meant: it would end a bracketed paste early, press a key, cut a C string at a NUL, or make a
/// daily log binary for git.
public enum PlainText {
    public static func removingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isRemovedOrChanged) else { return text }
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if scalar == "\r" {
                scalars.append("\n")
            } else if scalar == "\n" {
                if !previousWasCR { scalars.append(scalar) }
            } else if !isControl(scalar) || scalar == "\t" {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// One line of such text: the rule, then newlines and tabs as spaces (a heading, a title).
    public static func singleLine(_ text: String) -> String {
        removingControls(text).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func isRemovedOrChanged(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) && scalar != "\n" && scalar != "\t"
    }
}
