/// Terminal cell widths and wrapping, so wide (Chinese) text never wraps behind the renderer's back.
public enum ScreenText {
    /// Cells a character takes: 2 for East Asian wide and full-width characters, 0 for combining marks.
    public static func width(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value < 0x20 { return 0 }
        if (0x0300...0x036F).contains(value) || (0x200B...0x200F).contains(value) { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(value) } ? 2 : 1
    }

    public static func width(_ text: String) -> Int { text.reduce(0) { $0 + width($1) } }

    /// Splits text into screen rows of at most `columns` cells: at newlines, then by width. The first row
    /// starts with `firstPrefix`, the others with `prefix` (same width).
    public static func wrap(_ text: String, columns: Int, firstPrefix: String, prefix: String) -> [String] {
        let room = max(1, columns - width(firstPrefix))
        var rows: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var used = 0
            for character in line {
                let cells = width(character)
                if used + cells > room {
                    rows.append(current)
                    current = ""
                    used = 0
                }
                current.append(character)
                used += cells
            }
            rows.append(current)
        }
        return rows.enumerated().map { ($0.offset == 0 ? firstPrefix : prefix) + $0.element }
    }
}
