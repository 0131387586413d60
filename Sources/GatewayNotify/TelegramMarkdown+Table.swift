/// Tables: Telegram has none, so a table becomes a monospace `<pre>` with its columns padded to line up.
/// Cells show their text without Markdown markers (a `<pre>` can hold no formatting). A table too wide to
/// line up on a phone keeps its cells unpadded, which also bounds the padding hostile input could ask for.
extension MarkdownBlocks {
    static let widestAlignedTable = 100

    /// A row of cells followed by a delimiter row (`|---|:--:|`).
    static func startsTable(_ lines: ArraySlice<[Character]>, at index: Int) -> Bool {
        index + 1 < lines.endIndex && lines[index].contains("|") && isDelimiterRow(lines[index + 1][...])
    }

    static func isDelimiterRow(_ line: ArraySlice<Character>) -> Bool {
        var sawDash = false
        var sawPipe = false
        for character in line {
            switch character {
            case "-": sawDash = true
            case "|": sawPipe = true
            case ":", " ", "\t": continue
            default: return false
            }
        }
        return sawDash && sawPipe
    }

    static func cells(of line: ArraySlice<Character>) -> [String] {
        var row = trimmingTrailingWhitespace(line.drop(while: \.isWhitespace))
        if row.first == "|" { row = row.dropFirst() }
        if row.last == "|" { row = row.dropLast() }
        return row.split(separator: "|", omittingEmptySubsequences: false).map { cell in
            var plain = StyledText()
            InlineMarkdown.render(Array(trimmingTrailingWhitespace(cell.drop(while: \.isWhitespace))), style: .plain, into: &plain)
            return String(plain.characters)
        }
    }

    /// Writes the table starting at `index`; returns the index after its last row.
    mutating func renderTable(_ lines: ArraySlice<[Character]>, from first: Int) -> Int {
        var rows = [Self.cells(of: lines[first][...])]
        var index = first + 2
        while index < lines.endIndex, lines[index].contains("|"), !Self.isBlank(lines[index][...]) {
            rows.append(Self.cells(of: lines[index][...]))
            index += 1
        }
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        let aligned = widths.reduce(0, +) + 3 * max(columns - 1, 0) <= Self.widestAlignedTable
        func line(_ cells: [String]) -> String {
            guard aligned else { return cells.joined(separator: " | ") }
            return (0..<columns).map { column in
                let cell = column < cells.count ? cells[column] : ""
                return cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: " | ")
        }
        var shown = [line(rows[0])]
        if aligned { shown.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")) }
        shown += rows.dropFirst().map(line)

        var style = base
        style.flags.insert(.pre)
        startLine()
        text.append(contentsOf: shown.map { String($0.reversed().drop(while: \.isWhitespace).reversed()) }.joined(separator: "\n"), style)
        return index
    }
}
