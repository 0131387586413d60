import Testing
import SimKit

/// The terminal input of gw-agent-sim: keys and bracketed pastes decoded from bytes that may arrive
/// split anywhere, the input line, and cell widths.
@Suite struct TerminalInputTests {
    static let paste = "第一行 line\r第二行\r\n\tthird ✓"

    @Test func pasteIsOneEventWhereverTheBytesAreSplit() {
        let bytes = Array("ab\u{1B}[200~\(Self.paste)\u{1B}[201~\r".utf8)
        for split in 0...bytes.count {
            var decoder = KeyDecoder()
            let events = decoder.feed(Array(bytes[..<split])) + decoder.feed(Array(bytes[split...]))
            let typed = events.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
            #expect(typed == "ab", "split at \(split)")
            #expect(events.filter { if case .paste = $0 { true } else { false } } == [.paste("第一行 line\n第二行\n\tthird ✓")], "split at \(split)")
            #expect(events.last == .enter, "split at \(split)")
        }
    }

    @Test func pasteByteByByteKeepsEveryByte() {
        var decoder = KeyDecoder()
        var events: [KeyEvent] = []
        for byte in Array("\u{1B}[200~多行\n文本\u{1B}[201~".utf8) { events += decoder.feed([byte]) }
        #expect(events == [.paste("多行\n文本")])
    }

    @Test func keysAreDecoded() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x68, 0x69, 0x7F, 0x0D]) == [.text("hi"), .backspace, .enter])
        #expect(decoder.feed([0x1B]) == [], "a lone ESC may start a sequence")
        #expect(decoder.hasPendingEscape)
        #expect(decoder.flushEscape() == [.escape])
        #expect(decoder.feed(Array("\u{1B}[A\u{1B}[Z".utf8)) == [.shiftTab], "arrows are ignored, shift+tab is not")
        #expect(decoder.feed([0x03, 0x04, 0x15, 0x0A]) == [.interrupt, .endOfInput, .clearLine, .enter])
        // A character split between two reads waits for its last byte.
        let wide = Array("中".utf8)
        #expect(decoder.feed(Array(wide[0..<2])) == [])
        #expect(decoder.feed([wide[2]]) == [.text("中")])
    }

    @Test func largePastesCollapseOnScreenButSubmitWhole() {
        var line = InputLine()
        line.type("see: ")
        let big = (1...40).map { "第\($0)行" }.joined(separator: "\n")
        line.paste(big)
        #expect(line.display == "see: [Pasted text #1 +39 lines]")
        #expect(line.text == "see: " + big)
        line.backspace()
        #expect(line.text == "see: ", "Backspace removes a collapsed paste whole")
        line.paste("short\npaste")
        #expect(line.display == "see: short\npaste")
    }

    @Test func wideCharactersTakeTwoCellsAndWrapByWidth() {
        #expect(ScreenText.width("中文abc") == 7)
        #expect(ScreenText.wrap("中文中文中", columns: 6, firstPrefix: "> ", prefix: "  ") == ["> 中文", "  中文", "  中"])
        #expect(ScreenText.wrap("a\nb", columns: 10, firstPrefix: "❯\u{00A0}", prefix: "  ") == ["❯\u{00A0}a", "  b"])
    }
}
