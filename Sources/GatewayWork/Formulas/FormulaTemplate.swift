import Foundation

/// `{{name}}` placeholders in formula text. A placeholder is a name of letters, digits, `_` or `-`
/// between double braces, spaces allowed inside; anything else between braces is left as written.
enum FormulaTemplate {
    struct Reference: Equatable {
        /// The variable's name.
        var name: String
        /// The placeholder as written, such as `{{ topic }}`: used to find its line in the file.
        var text: String
        var range: Range<String.Index>
    }

    static func references(in text: String) -> [Reference] {
        var result: [Reference] = []
        var cursor = text.startIndex
        while let open = text.range(of: "{{", range: cursor..<text.endIndex) {
            guard let close = text.range(of: "}}", range: open.upperBound..<text.endIndex) else { break }
            let inner = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if isName(inner) {
                let range = open.lowerBound..<close.upperBound
                result.append(Reference(name: inner, text: String(text[range]), range: range))
                cursor = close.upperBound
            } else {
                cursor = text.index(after: open.lowerBound)
            }
        }
        return result
    }

    /// Replaces every placeholder with its value in one pass, so values are never expanded again.
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var output = ""
        var cursor = text.startIndex
        for reference in references(in: text) {
            output += text[cursor..<reference.range.lowerBound]
            output += values[reference.name] ?? reference.text
            cursor = reference.range.upperBound
        }
        output += text[cursor...]
        return output
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, letters.contains(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { nameCharacters.contains($0) }
    }

    // Built once: on Linux, each `CharacterSet.letters` access builds a new set.
    private static let letters = CharacterSet.letters
    private static let nameCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
}
