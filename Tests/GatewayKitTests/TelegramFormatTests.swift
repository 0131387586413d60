import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayNotify
import GatewayTestSupport

@Suite struct TelegramFormatTests {
    /// What Telegram would show: the HTML with its three entities decoded and the bold tag removed.
    func shown(_ html: String) -> String {
        html.replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every part is under the limit and holds no broken entity or tag.
    func checkParts(_ parts: [TelegramFormat.Part]) {
        for part in parts {
            #expect(part.html.utf16.count < 4096)
            #expect(part.html.utf16.count <= TelegramFormat.maxUnits)
            // No cut inside an entity: every & starts one of the three entities.
            var rest = Substring(part.html)
            while let amp = rest.firstIndex(of: "&") {
                let tail = rest[amp...]
                #expect(tail.hasPrefix("&amp;") || tail.hasPrefix("&lt;") || tail.hasPrefix("&gt;"), "broken entity in part")
                rest = rest[rest.index(after: amp)...]
            }
            // Tags balance: the title's <b> always closes in the same part.
            #expect(part.html.components(separatedBy: "<b>").count == part.html.components(separatedBy: "</b>").count)
            // Valid UTF-16: no lone surrogate (String would have repaired it into U+FFFD).
            #expect(!part.html.contains("\u{FFFD}"))
        }
    }

    @Test func escapesTheThreeReservedCharacters() {
        #expect(TelegramFormat.escape("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
        #expect(TelegramFormat.escape("<b>not bold</b>") == "&lt;b&gt;not bold&lt;/b&gt;")
        #expect(TelegramFormat.escape("\"quotes\" and 'apostrophes' stay") == "\"quotes\" and 'apostrophes' stay")
    }

    @Test func shortTextIsOneMessageWithABoldTitle() {
        let parts = TelegramFormat.parts(title: "Build <ok>", text: "all 3 & done")
        #expect(parts == [TelegramFormat.Part(html: "<b>Build &lt;ok&gt;</b>\nall 3 &amp; done", plain: "Build <ok>\nall 3 & done")])
    }

    @Test func splitsAtParagraphsThenLines() {
        let paragraph = String(repeating: "word ", count: 500).trimmingCharacters(in: .whitespaces) // 2499 units
        let text = paragraph + "\n\n" + paragraph + "\n\n" + paragraph
        let parts = TelegramFormat.parts(title: "", text: text)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.plain == paragraph })
        checkParts(parts)

        let lines = (1...400).map { "line \($0) of the report" }.joined(separator: "\n")
        let lineParts = TelegramFormat.parts(title: "T", text: lines)
        #expect(lineParts.count > 1)
        for part in lineParts.dropFirst() { #expect(part.plain.hasPrefix("line ")) }
        #expect(lineParts.map(\.plain).joined(separator: "\n") == "T\n" + lines)
        checkParts(lineParts)
    }

    @Test func tenKilobytesOfAngleBracketsAndAmpersands() {
        let text = String(repeating: "<&>", count: 3400) // 10,200 characters; 13 units each escaped
        let parts = TelegramFormat.parts(title: "x & y", text: text)
        checkParts(parts)
        #expect(parts.map { shown($0.html) }.joined() == "x & y\n" + text)
        #expect(parts.count == Int((Double(text.count / 3 * 13) / 4095).rounded(.up)))
    }

    @Test func emojiAndChineseAreNeverCutInHalf() {
        // 🚀 is a surrogate pair in UTF-16; 👩‍👩‍👧 is one Character of 8 units; Chinese is 1 unit each.
        let text = String(repeating: "🚀👩‍👩‍👧进展", count: 700)
        let parts = TelegramFormat.parts(title: "每日资讯", text: text)
        #expect(parts.count > 1)
        checkParts(parts)
        #expect(parts.map(\.plain).joined() == "每日资讯\n" + text)
        for part in parts { #expect(part.plain.utf16.count <= 4095) }
    }

    @Test func theLimitIsCountedInUTF16UnitsExactly() {
        // 4095 units fit one message; 4096 do not.
        let fits = String(repeating: "a", count: 4095)
        #expect(TelegramFormat.parts(title: "", text: fits).count == 1)
        let over = String(repeating: "a", count: 4096)
        let overParts = TelegramFormat.parts(title: "", text: over)
        #expect(overParts.map(\.html.utf16.count) == [4095, 1])
        // 2047 rockets = 4094 units fit; one more rocket (4096) does not and moves whole to the next part.
        #expect(TelegramFormat.parts(title: "", text: String(repeating: "🚀", count: 2047)).count == 1)
        let rockets = TelegramFormat.parts(title: "", text: String(repeating: "🚀", count: 2048))
        #expect(rockets.map(\.html.utf16.count) == [4094, 2])
        // An & at the boundary moves whole: 4091 units + "&amp;" (5) would be 4096.
        let amp = TelegramFormat.parts(title: "", text: String(repeating: "a", count: 4091) + "&")
        #expect(amp.map(\.html) == [String(repeating: "a", count: 4091), "&amp;"])
    }

    @Test func emptyTextStillSendsTheTitle() {
        #expect(TelegramFormat.parts(title: "Only a title", text: "") == [.init(html: "<b>Only a title</b>\n", plain: "Only a title\n")])
    }
}
