import Foundation

/// A MIME message built by hand: one UTF-8 text part, every header ASCII.
///
/// Subject: RFC 2047 encoded-words (base64, each under 76 characters, split between characters).
/// Body: quoted-printable when it is mostly ASCII, base64 otherwise (Chinese text is shorter in base64).
/// Message-ID: derived from the idempotency key, so a re-delivery after a crash repeats it.
public struct EmailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String
    public var urgent: Bool

    public init(from: String, to: [String], subject: String, body: String, date: Date, messageID: String, urgent: Bool = false) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
        self.urgent = urgent
    }

    /// The whole message with CRLF line endings, ready for SMTP DATA.
    public func rendered() -> String {
        var lines = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodeHeader(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
        ]
        if urgent { lines += ["X-Priority: 1", "Importance: high"] }
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n")
        let nonASCII = normalized.unicodeScalars.filter { !$0.isASCII }.count
        if nonASCII * 3 > normalized.unicodeScalars.count {
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(Data(normalized.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
        } else {
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(Self.quotedPrintable(normalized))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// ASCII text as is; anything else as `=?UTF-8?B?...?=` words of at most 75 characters.
    public static func encodeHeader(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII }), clean.count <= 900 { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            // 45 bytes of UTF-8 become 60 base64 characters: with `=?UTF-8?B?` and `?=` under 75.
            if chunk.utf8.count + character.utf8.count > 45, !chunk.isEmpty {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045): soft breaks keep lines under 76 characters; UTF-8 bytes as =XX.
    public static func quotedPrintable(_ text: String) -> String {
        var output: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded = ""
            var length = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if length + piece.count > 75 {
                    encoded += "=\r\n"
                    length = 0
                }
                encoded += piece
                length += piece.count
            }
            output.append(encoded)
        }
        return output.joined(separator: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
