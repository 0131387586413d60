import Foundation

/// Quotes words for /bin/sh.
public enum ShellQuote {
    public static func word(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:@%+,".contains($0)) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public static func line(_ words: [String]) -> String { words.map(word).joined(separator: " ") }
}
