/// A JSON5 reader (https://spec.json5.org) for config files people write by hand, as OpenClaw's are:
/// comments, trailing commas, unquoted keys, single quotes, hex, `Infinity` and `NaN`.
///
/// Stricter than the spec where leniency would hide a typo: an escape it does not know (`\d` in a
/// Windows path) and a lone surrogate are errors rather than the letter itself or U+FFFD, identifiers
/// are ASCII, and raw control characters other than tab may not sit inside a string.
///
/// Hostile input cannot crash it or make it slow: the reader is one forward pass over the UTF-8 bytes
/// with an explicit stack (no recursion, so no stack overflow whatever the thread), nesting stops at
/// `maxDepth`, and the line and column of an error are counted only when one is thrown.
public enum JSON5 {
    /// Deeper nesting than any config needs; it bounds the work a hostile `[[[[…` can ask for.
    public static let maxDepth = 512

    public static func parse(_ text: String) throws(JSON5Error) -> JSON5Value {
        var reader = JSON5Reader(bytes: Array(text.utf8))
        return try reader.document()
    }
}

/// One open object or array, while its members are read.
private struct OpenContainer {
    var isObject: Bool
    var pairs: [(key: String, value: JSON5Value)] = []
    var items: [JSON5Value] = []
    /// The key whose value is being read (objects only); errors after the value name it.
    var key = ""
}

private struct JSON5Reader {
    let bytes: [UInt8]
    var pos = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    mutating func document() throws(JSON5Error) -> JSON5Value {
        try skipSpace()
        guard pos < bytes.count else { throw error(at: pos, "empty: the input holds no value, only whitespace or comments") }
        var stack: [OpenContainer] = []
        var value: JSON5Value
        nextValue: while true {
            try skipSpace()
            let start = pos
            switch peek {
            case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
                guard stack.count < JSON5.maxDepth else {
                    throw error(at: start, "nesting deeper than \(JSON5.maxDepth) levels")
                }
                let isObject = bytes[pos] == UInt8(ascii: "{")
                pos += 1
                try skipSpace()
                if isObject {
                    if peek == UInt8(ascii: "}") {
                        pos += 1
                        value = .object([])
                    } else {
                        let key = try key()
                        stack.append(OpenContainer(isObject: true, key: key))
                        continue nextValue
                    }
                } else {
                    if peek == UInt8(ascii: "]") {
                        pos += 1
                        value = .array([])
                    } else {
                        stack.append(OpenContainer(isObject: false))
                        continue nextValue
                    }
                }
            default:
                value = try scalar()
            }
            // Hand the finished value to the containers above it, closing each one that ends here.
            while true {
                try skipSpace()
                guard !stack.isEmpty else {
                    guard pos == bytes.count else {
                        throw error(at: pos, "expected the end of the input after the top-level value, found \(found())")
                    }
                    return value
                }
                let top = stack.count - 1
                if stack[top].isObject {
                    stack[top].pairs.append((key: stack[top].key, value: value))
                    switch peek {
                    case UInt8(ascii: ",")?:
                        pos += 1
                        try skipSpace()
                        guard peek == UInt8(ascii: "}") else {
                            stack[top].key = try key()
                            continue nextValue
                        }
                        pos += 1
                    case UInt8(ascii: "}")?:
                        pos += 1
                    default:
                        throw error(at: pos, "expected ',' or '}' after the value of key \(quoted(stack[top].key)), found \(found())")
                    }
                    value = .object(stack.removeLast().pairs)
                } else {
                    stack[top].items.append(value)
                    switch peek {
                    case UInt8(ascii: ",")?:
                        pos += 1
                        try skipSpace()
                        guard peek == UInt8(ascii: "]") else { continue nextValue }
                        pos += 1
                    case UInt8(ascii: "]")?:
                        pos += 1
                    default:
                        throw error(at: pos, "expected ',' or ']' after an array element, found \(found())")
                    }
                    value = .array(stack.removeLast().items)
                }
            }
        }
    }

    /// An object key and the ':' after it; `pos` is at the key.
    mutating func key() throws(JSON5Error) -> String {
        let key: String
        switch peek {
        case UInt8(ascii: "\"")?, UInt8(ascii: "'")?:
            key = try string()
        case let byte? where Self.isIdentifierStart(byte):
            key = word()
        default:
            throw error(at: pos, "expected a key (a name or a quoted string) or '}', found \(found())")
        }
        try skipSpace()
        guard peek == UInt8(ascii: ":") else {
            throw error(at: pos, "expected ':' after the key \(quoted(key)), found \(found())")
        }
        pos += 1
        return key
    }

    /// Anything but an object or an array.
    mutating func scalar() throws(JSON5Error) -> JSON5Value {
        guard let byte = peek else { throw error(at: pos, "expected a value, found \(found())") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return .string(try string())
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        case _ where Self.isIdentifierStart(byte):
            let start = pos
            switch word() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "Infinity": return .number(.infinity)
            case "NaN": return .number(.nan)
            case let other:
                throw error(at: start, "expected a value, found the word \(quoted(other)) (a string needs quotes)")
            }
        default:
            throw error(at: pos, "expected a value, found \(found())")
        }
    }

    // MARK: Strings

    /// A quoted string; `pos` is at the opening quote.
    mutating func string() throws(JSON5Error) -> String {
        let open = pos
        let quote = bytes[pos]
        pos += 1
        var text: [UInt8] = []
        var run = pos // start of the bytes copied as they are
        while pos < bytes.count {
            let byte = bytes[pos]
            switch byte {
            case quote:
                text.append(contentsOf: bytes[run..<pos])
                pos += 1
                // The input came from a String, so its bytes (and those escapes add) are valid UTF-8.
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                text.append(contentsOf: bytes[run..<pos])
                try escape(into: &text, open: open)
                run = pos
            case 0x0A, 0x0D:
                throw error(at: pos, "unterminated string: a line break before the closing quote (end the line with '\\' to continue the string)")
            case 0x00..<0x20 where byte != 0x09:
                // A raw NUL or other control character in a config is corruption or a paste accident, not text.
                throw error(at: pos, "control character \(Self.codePoint(UInt32(byte))) in a string; write it as an escape (\\u00XX)")
            default:
                pos += 1
            }
        }
        throw error(at: open, "unterminated string")
    }

    /// One escape sequence; `pos` is at the backslash and ends after the sequence.
    mutating func escape(into text: inout [UInt8], open: Int) throws(JSON5Error) {
        let backslash = pos
        pos += 1
        guard let byte = peek else { throw error(at: open, "unterminated string") }
        pos += 1
        switch byte {
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "v"): text.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "0"):
            // The spec forbids `\0` before a digit: it would read as an octal escape in JavaScript.
            if let next = peek, Self.isDigit(next) { throw error(at: backslash, "invalid escape '\\0' before a digit") }
            text.append(0x00)
        case UInt8(ascii: "x"):
            let value = try hexDigits(2, escape: backslash)
            UTF8.encode(Unicode.Scalar(UInt8(value))) { text.append($0) }
        case UInt8(ascii: "u"):
            let unit = try hexDigits(4, escape: backslash)
            let scalarValue: UInt32
            switch unit {
            case 0xD800...0xDBFF:
                // A lone surrogate is an error, not U+FFFD: a config value silently changed is worse than a refusal.
                guard bytes.count - pos >= 2, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw error(at: backslash, "lone surrogate \\u\(Self.hex4(unit)): a high surrogate must be followed by a low one (\\uDC00–\\uDFFF)")
                }
                let low = pos
                pos += 2
                let second = try hexDigits(4, escape: low)
                guard (0xDC00...0xDFFF).contains(second) else {
                    throw error(at: backslash, "lone surrogate \\u\(Self.hex4(unit)): a high surrogate must be followed by a low one (\\uDC00–\\uDFFF)")
                }
                scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (second - 0xDC00)
            case 0xDC00...0xDFFF:
                throw error(at: backslash, "lone surrogate \\u\(Self.hex4(unit)): a low surrogate must follow a high one")
            default:
                scalarValue = unit
            }
            // Never nil: surrogates were handled above and a pair is at most U+10FFFF.
            if let scalar = Unicode.Scalar(scalarValue) { UTF8.encode(scalar) { text.append($0) } }
        case 0x0A:
            break // a line continuation: the backslash and the line break vanish
        case 0x0D:
            if peek == 0x0A { pos += 1 }
        case 0xE2 where bytes.count - pos >= 2 && bytes[pos] == 0x80 && (bytes[pos + 1] == 0xA8 || bytes[pos + 1] == 0xA9):
            pos += 2 // U+2028 or U+2029 continues the line too
        default:
            pos -= 1
            throw error(at: backslash, "invalid escape '\\\(describe(at: pos, quotedASCII: false))'")
        }
    }

    /// `count` hex digits of an escape that starts at `escape`.
    mutating func hexDigits(_ count: Int, escape: Int) throws(JSON5Error) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let byte = peek, let digit = Self.hexValue(byte) else {
                let letter = bytes[escape + 1] == UInt8(ascii: "x") ? "x" : "u"
                throw error(at: escape, "expected \(count) hex digits after '\\\(letter)'")
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }

    // MARK: Numbers

    /// A number, `Infinity` or `NaN`, with an optional sign; `pos` is at its first character.
    mutating func number() throws(JSON5Error) -> JSON5Value {
        let start = pos
        var negative = false
        if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") {
            negative = bytes[pos] == UInt8(ascii: "-")
            pos += 1
        }
        if let byte = peek, Self.isIdentifierStart(byte) {
            switch word() {
            case "Infinity": return .number(negative ? -.infinity : .infinity)
            case "NaN": return .number(.nan)
            case let other: throw error(at: start, "expected a number after the sign, found the word \(quoted(other))")
            }
        }
        if peek == UInt8(ascii: "0"), pos + 1 < bytes.count, bytes[pos + 1] | 0x20 == UInt8(ascii: "x") {
            return try hexNumber(start: start, negative: negative)
        }
        // Whole numbers are accumulated as they are scanned, so the common case allocates nothing.
        var magnitude: UInt64 = 0
        var overflow = false
        let integerStart = pos
        while let byte = peek, Self.isDigit(byte) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            magnitude = sum
            overflow = overflow || overflow1 || overflow2
            pos += 1
        }
        let integerEnd = pos
        if integerEnd - integerStart > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw error(at: integerStart, "a number may not start with 0 unless it is 0 (hex is written 0x…)")
        }
        var whole = true
        var fractionStart = pos, fractionEnd = pos
        if peek == UInt8(ascii: ".") {
            whole = false
            pos += 1
            fractionStart = pos
            while let byte = peek, Self.isDigit(byte) { pos += 1 }
            fractionEnd = pos
        }
        guard integerEnd > integerStart || fractionEnd > fractionStart else {
            throw error(at: start, "expected digits in the number")
        }
        var exponentStart = pos
        if let byte = peek, byte | 0x20 == UInt8(ascii: "e") {
            whole = false
            exponentStart = pos
            pos += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { pos += 1 }
            let digits = pos
            while let byte = peek, Self.isDigit(byte) { pos += 1 }
            guard pos > digits else { throw error(at: pos, "expected digits in the exponent, found \(found())") }
        }
        try numberEnds()
        // `-0` is the integer 0: Int64 has no negative zero, and no config setting tells the two apart.
        if whole, !overflow {
            if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            if negative, magnitude <= UInt64(Int64.max) + 1 { return .integer(Int64(truncatingIfNeeded: 0 &- magnitude)) }
        }
        // Spelled out in full (`.5` → `0.5`, `5.` → `5.0`) so Double's parser gets the plainest form.
        var text: [UInt8] = []
        text.append(contentsOf: integerEnd > integerStart ? bytes[integerStart..<integerEnd] : [UInt8(ascii: "0")])
        text.append(UInt8(ascii: "."))
        text.append(contentsOf: fractionEnd > fractionStart ? bytes[fractionStart..<fractionEnd] : [UInt8(ascii: "0")])
        if !whole, exponentStart < pos, bytes[exponentStart] | 0x20 == UInt8(ascii: "e") {
            text.append(contentsOf: bytes[exponentStart..<pos])
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)) else {
            throw error(at: start, "the number is out of range")
        }
        return .number(negative ? -value : value)
    }

    /// `0x…`; `pos` is at the `0`. Past 64 bits it is a Double, as a decimal number would be.
    mutating func hexNumber(start: Int, negative: Bool) throws(JSON5Error) -> JSON5Value {
        pos += 2
        var magnitude: UInt64 = 0
        var overflow = false
        var approximate = 0.0
        let digits = pos
        while let byte = peek, let digit = Self.hexValue(byte) {
            overflow = overflow || magnitude >> 60 != 0
            magnitude = magnitude << 4 | UInt64(digit)
            approximate = approximate * 16 + Double(digit)
            pos += 1
        }
        guard pos > digits else { throw error(at: pos, "expected hex digits after '0x', found \(found())") }
        try numberEnds()
        if !overflow {
            if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            if negative, magnitude <= UInt64(Int64.max) + 1 { return .integer(Int64(truncatingIfNeeded: 0 &- magnitude)) }
        }
        return .number(negative ? -approximate : approximate)
    }

    /// A number must not run into a name or another number (`12px`, `1.2.3`): that is a typo, not two tokens.
    func numberEnds() throws(JSON5Error) {
        guard let byte = peek, Self.isIdentifierPart(byte) || byte == UInt8(ascii: ".") else { return }
        throw error(at: pos, "unexpected \(found()) after the number")
    }

    // MARK: Whitespace and comments

    /// Skips whitespace and comments; `pos` ends at the next token or the end.
    mutating func skipSpace() throws(JSON5Error) {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20:
                pos += 1
            case UInt8(ascii: "/"):
                let next: UInt8? = pos + 1 < bytes.count ? bytes[pos + 1] : nil
                if next == UInt8(ascii: "/") {
                    pos += 2
                    while pos < bytes.count, lineTerminatorLength(at: pos) == 0 { pos += 1 }
                } else if next == UInt8(ascii: "*") {
                    let open = pos
                    pos += 2
                    while true {
                        guard pos + 1 < bytes.count else { throw error(at: open, "unterminated comment") }
                        if bytes[pos] == UInt8(ascii: "*"), bytes[pos + 1] == UInt8(ascii: "/") { break }
                        pos += 1
                    }
                    pos += 2
                } else {
                    throw error(at: pos, "expected '//' or '/*' after '/'")
                }
            case 0x80...:
                let length = unicodeSpaceLength(at: pos)
                guard length > 0 else { return }
                pos += length
            default:
                return
            }
        }
    }

    /// The UTF-8 length of the non-ASCII whitespace JSON5 allows at `at` (NBSP, the byte-order mark,
    /// U+2028/2029 and the other space separators), else 0.
    func unicodeSpaceLength(at index: Int) -> Int {
        let rest = bytes.count - index
        let b0 = bytes[index]
        if b0 == 0xC2, rest >= 2, bytes[index + 1] == 0xA0 { return 2 } // U+00A0
        guard rest >= 3 else { return 0 }
        let b1 = bytes[index + 1], b2 = bytes[index + 2]
        switch (b0, b1) {
        case (0xE1, 0x9A) where b2 == 0x80: return 3 // U+1680
        case (0xE2, 0x80) where (0x80...0x8A).contains(b2) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF: return 3 // U+2000–200A, 2028, 2029, 202F
        case (0xE2, 0x81) where b2 == 0x9F: return 3 // U+205F
        case (0xE3, 0x80) where b2 == 0x80: return 3 // U+3000
        case (0xEF, 0xBB) where b2 == 0xBF: return 3 // U+FEFF
        default: return 0
        }
    }

    /// The UTF-8 length of a line terminator at `at` (LF, CR, U+2028, U+2029), else 0.
    func lineTerminatorLength(at index: Int) -> Int {
        switch bytes[index] {
        case 0x0A, 0x0D: return 1
        case 0xE2 where bytes.count - index >= 3 && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9): return 3
        default: return 0
        }
    }

    // MARK: Errors

    /// An error at byte offset `offset`. Lines and columns are counted here, only when something is wrong,
    /// so reading a good document costs nothing for them. CRLF is one line break; a leading byte-order
    /// mark takes no column, since editors do not show it.
    func error(at offset: Int, _ message: String) -> JSON5Error {
        var line = 1, column = 1
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) && offset >= 3 ? 3 : 0
        while index < offset {
            let terminator = lineTerminatorLength(at: index)
            if terminator > 0 {
                if bytes[index] == 0x0D, index + 1 < offset, bytes[index + 1] == 0x0A { index += 1 }
                index += terminator
                line += 1
                column = 1
            } else {
                if bytes[index] & 0xC0 != 0x80 { column += 1 } // a scalar's first byte
                index += 1
            }
        }
        return JSON5Error(line: line, column: column, message: message)
    }

    /// What is at `pos`, for "expected …, found …".
    func found() -> String {
        pos < bytes.count ? describe(at: pos, quotedASCII: true) : "the end of the input"
    }

    /// The character at `index`: itself when printable ASCII, else its code point.
    func describe(at index: Int, quotedASCII: Bool) -> String {
        let byte = bytes[index]
        if (0x21...0x7E).contains(byte) {
            let character = String(UnicodeScalar(byte))
            return quotedASCII ? "'\(character)'" : character
        }
        let scalar = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self).unicodeScalars.first
        return Self.codePoint(scalar?.value ?? UInt32(byte))
    }

    /// A key or word for a message, cut short so a hostile 10 MB name does not become a 10 MB message.
    func quoted(_ text: String) -> String {
        text.count > 40 ? "\"\(text.prefix(40))…\"" : "\"\(text)\""
    }

    // MARK: Characters

    /// An unquoted name: ASCII letters, digits, `_` and `$`; `pos` is at its first character.
    mutating func word() -> String {
        let start = pos
        while let byte = peek, Self.isIdentifierPart(byte) { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte - UInt8(ascii: "0") }
        let lower = byte | 0x20
        if (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(lower) { return lower - UInt8(ascii: "a") + 10 }
        return nil
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func codePoint(_ value: UInt32) -> String { "U+" + hex4(value) }
}
