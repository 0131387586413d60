/// What a person (or tmux) did at the keyboard.
public enum KeyEvent: Equatable, Sendable {
    case text(String)
    /// One bracketed paste, newlines kept (tmux turns LF into CR when pasting; that is undone here).
    case paste(String)
    case enter
    case backspace
    case escape
    case interrupt      // Ctrl-C
    case endOfInput     // Ctrl-D
    case clearLine      // Ctrl-U
    case shiftTab
}

/// Turns terminal bytes into key events. Bytes may arrive split anywhere (inside a UTF-8 character, an
/// escape sequence or a paste), so incomplete input is held until the rest comes.
public struct KeyDecoder: Sendable {
    public init() {}

    private var pending: [UInt8] = []
    private var pasteBytes: [UInt8]?

    static let pasteStart: [UInt8] = Array("\u{1B}[200~".utf8)
    static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    /// Decodes what has arrived so far; incomplete input waits for the next call.
    public mutating func feed(_ bytes: [UInt8]) -> [KeyEvent] {
        pending += bytes
        var events: [KeyEvent] = []
        var typed: [UInt8] = []
        func flushTyped() {
            if !typed.isEmpty { events.append(.text(String(decoding: typed, as: UTF8.self))); typed = [] }
        }
        var index = 0
        while index < pending.count {
            if var paste = pasteBytes {
                // Inside a paste everything is content until the end marker.
                if let end = find(Self.pasteEnd, from: index) {
                    paste += pending[index..<end]
                    events.append(.paste(Self.normalisedPaste(paste)))
                    pasteBytes = nil
                    index = end + Self.pasteEnd.count
                    continue
                }
                // Keep a possible partial end marker pending; the rest is content.
                let keep = min(Self.pasteEnd.count - 1, pending.count - index)
                paste += pending[index..<(pending.count - keep)]
                pasteBytes = paste
                index = pending.count - keep
                break
            }
            let byte = pending[index]
            switch byte {
            case 0x1B:
                if startsWith(Self.pasteStart, at: index) {
                    flushTyped()
                    pasteBytes = []
                    index += Self.pasteStart.count
                    continue
                }
                if index + 1 == pending.count {
                    // A lone ESC at the end of a read may start a sequence whose rest is still coming:
                    // hold it; `flushEscape()` makes it the Esc key when nothing follows in time.
                    flushTyped(); pending = [0x1B]; return events
                }
                let next = pending[index + 1]
                guard next == UInt8(ascii: "[") || next == UInt8(ascii: "O") else {
                    flushTyped(); events.append(.escape); index += 1; continue
                }
                // A control sequence: parameters, then one final byte in 0x40...0x7E.
                var end = index + 2
                if next == UInt8(ascii: "[") {
                    while end < pending.count, (0x20...0x3F).contains(pending[end]) { end += 1 }
                }
                if end >= pending.count {
                    // The sequence continues in the next read (this also holds a split paste marker).
                    flushTyped(); pending = Array(pending[index...]); return events
                }
                flushTyped()
                if pending[end] == UInt8(ascii: "Z") { events.append(.shiftTab) }
                index = end + 1
            case 0x0D, 0x0A:
                flushTyped(); events.append(.enter); index += 1
            case 0x7F, 0x08:
                flushTyped(); events.append(.backspace); index += 1
            case 0x03:
                flushTyped(); events.append(.interrupt); index += 1
            case 0x04:
                flushTyped(); events.append(.endOfInput); index += 1
            case 0x15:
                flushTyped(); events.append(.clearLine); index += 1
            case 0x00..<0x20:
                index += 1    // other control keys do nothing here
            default:
                let length = Self.utf8Length(byte)
                if index + length > pending.count {
                    flushTyped(); pending = Array(pending[index...]); return events
                }
                typed += pending[index..<(index + length)]
                index += length
            }
        }
        flushTyped()
        pending = index < pending.count ? Array(pending[index...]) : []
        return events
    }

    /// True when a lone ESC waits: call `flushEscape()` if no byte follows within a few milliseconds.
    public var hasPendingEscape: Bool { pending == [0x1B] && pasteBytes == nil }

    /// The held ESC as the Esc key (nothing followed it).
    public mutating func flushEscape() -> [KeyEvent] {
        guard hasPendingEscape else { return [] }
        pending = []
        return [.escape]
    }

    /// A paste's text with tmux's CR-for-LF undone: CRLF and lone CR both become LF.
    public static func normalisedPaste(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
    }

    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }

    private func startsWith(_ marker: [UInt8], at index: Int) -> Bool {
        index + marker.count <= pending.count && Array(pending[index..<(index + marker.count)]) == marker
    }

    private func find(_ marker: [UInt8], from start: Int) -> Int? {
        guard pending.count >= marker.count, start <= pending.count - marker.count else { return nil }
        for index in start...(pending.count - marker.count) where startsWith(marker, at: index) { return index }
        return nil
    }
}
