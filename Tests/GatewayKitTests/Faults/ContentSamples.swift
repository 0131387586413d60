import Foundation
@testable import GatewayKit
@testable import GatewayAgents
import GatewayTestSupport

/// Generated prompts for the `content` scenario: any size from 1 byte to 1 MiB, built from what breaks
/// terminals, tmux and parsers — CJK, emoji sequences, combining marks, right-to-left text, every C0
/// and C1 control, ESC sequences (the bracketed-paste markers among them), `;` anywhere, tmux formats
/// and key names, shell syntax, and lines from 1 to 10,000 characters.
struct ContentSamples {
    var generator: SeededGenerator

    /// Pieces that each stress something; a prompt is a run of them.
    static let atoms: [String] = [
        "hello", "the quick brown fox", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\r",
        "中文字符", "敏捷的狐狸跳过了懒狗", "日本語のテキスト", "한국어",
        "😀", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇨🇳", "e\u{301}\u{302}\u{303}", "Z\u{351}\u{36B}\u{343}\u{36A}",
        "שלום עולם", "مرحبا بالعالم", "\u{202E}reversed\u{202C}", "\u{200B}", "\u{FEFF}", "\u{2028}",
        ";", ";;", "\\;", "a;b", "\\", "\\\\", "'", "\"", "`id`", "$(id)", "${HOME}", "&&", "|", ">", "<",
        "#{pane_id}", "#{session_name}", "#(touch /tmp/gw-content-ran)", "#[fg=red]", "##", "#", "%1", "~",
        "Enter", "C-c", "C-d", "Escape", "send-keys -t x Enter", "kill-server", "-t", "--",
        "\u{1B}[200~", "\u{1B}[201~", "\u{1B}[A", "\u{1B}]0;title\u{7}", "\u{1B}c", "\u{1B}",
        "Do you want to proceed?", "Yes, I trust this folder", "❯\u{00A0}", "────────",
        "HEARTBEAT_OK", "URGENT:", "## heading", "- bullet", "```swift\nlet x = 1\n```",
    ]

    /// Every C0 and C1 control and DEL.
    static let controls: [String] = (Array(0...0x1F) + Array(0x7F...0x9F)).map { String(Unicode.Scalar(UInt32($0))!) }

    mutating func number(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(generator.next() % UInt64(range.count))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[number(0...(items.count - 1))] }

    /// The prompt of trial `index`. Sizes spread over every order of magnitude; every 97th prompt is
    /// over the typed limit (up to 1 MiB) and every 13th holds one line of up to 10,000 characters.
    mutating func prompt(_ index: Int) -> String {
        if index % 97 == 96 { return filler(bytes: number((TurnText.typedLimit + 1)...(1024 * 1024))) }
        if index % 13 == 12 { return longLine(characters: number(1...10_000)) }
        if index % 11 == 10 { return semicolonAt(number(0...40)) }
        let target = [8, 64, 512, 4096, 32_768][number(0...4)]
        let size = number(1...target)
        var text = ""
        while text.utf8.count < size {
            text += generator.next() % 4 == 0 ? pick(Self.controls) : pick(Self.atoms)
        }
        if generator.next() % 10 == 0 { text = pick(["/", "!", "@", " /", "\n!"]) + text }
        return text
    }

    /// A `;` at position `position` of a short word (or at its end).
    func semicolonAt(_ position: Int) -> String {
        var word = Array("semicolon-positions-and-more-text-here!!")
        word.insert(";", at: min(position, word.count))
        return String(word)
    }

    mutating func longLine(characters: Int) -> String {
        String((0..<characters).map { _ in pick(Array("abc 中;#{}()$`\\é😀")) })
    }

    /// Large text of many lines, cheap to make: the hook inbox path.
    mutating func filler(bytes: Int) -> String {
        var text = ""
        var line = 0
        while text.utf8.count < bytes {
            line += 1
            text += "line \(line); 第\(line)行 #{pane_id} \(pick(Self.atoms))\n"
        }
        return text
    }
}
