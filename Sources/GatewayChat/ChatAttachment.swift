import Foundation

/// A photo, document or voice message as the ledger keeps it (`chat_updates.attachment`), and the
/// file name it is saved under in the Mayor's hook.
public struct ChatAttachment: Sendable, Equatable {
    /// "photo", "document" or "voice".
    public var kind: String
    public var fileId: String
    /// What Telegram declared; nil when it did not say.
    public var size: Int64?
    /// The sender's name for a document, as they sent it: never used as a path without `safeName`.
    public var fileName: String?

    public init(kind: String, fileId: String, size: Int64?, fileName: String?) {
        self.kind = kind
        self.fileId = fileId
        self.size = size
        self.fileName = fileName
    }

    /// Reads the stored column: kind, file id, size and file name, tab-separated (the name last, so a
    /// tab in it stays in it).
    public init?(stored text: String?) {
        guard let text else { return nil }
        let fields = text.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else { return nil }
        kind = fields[0]
        fileId = fields[1]
        size = fields.count > 2 ? Int64(fields[2]) : nil
        fileName = fields.count > 3 && !fields[3].isEmpty ? fields[3] : nil
    }

    /// Where it is saved, relative to the Mayor's hook: one file per update, so saving it again (a
    /// daemon killed before the message reached the Mayor) writes the same file.
    public func hookPath(updateId: Int64) -> String { "inbox/telegram-\(updateId)-\(safeName)" }

    /// "photo", "voice message", or the document's name, for sentences.
    public var described: String {
        switch kind {
        case "voice": "voice message"
        case "document": fileName.map { "document \"\(Self.sanitize($0) ?? "document")\"" } ?? "document"
        default: kind
        }
    }

    /// The name to save it under: a photo is `photo.jpg` and a voice message `voice.ogg` (the formats
    /// Telegram serves them in); a document keeps its sender's name, made harmless by `sanitize`.
    public var safeName: String {
        switch kind {
        case "photo": "photo.jpg"
        case "voice": "voice.ogg"
        default: fileName.flatMap(Self.sanitize) ?? "document"
        }
    }

    /// The most a sanitized name takes, in UTF-8 bytes: with the `telegram-<update>-` before it, well
    /// under the 255 bytes a file name may have.
    static let nameBytes = 120

    /// A sender's file name as one plain path component, or nil when nothing usable is left: letters
    /// and digits of any script (with their combining marks) and `.-_+@,=` stay; anything else — `/`,
    /// control and invisible characters (a NUL, an RTL override), spaces, shell and quoting characters —
    /// becomes `_`. Runs of dots or `_` shrink to one, so no `..` is left, and dots, dashes and `_` are
    /// taken off both ends, so the name never starts with a dot (a hidden file) or a dash (an option).
    /// Bounded to `nameBytes`, keeping a short extension.
    public static func sanitize(_ name: String) -> String? {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            let keep: Bool
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
                keep = true
            default:
                keep = "._-+@,=".unicodeScalars.contains(scalar)
            }
            let next = keep ? scalar : "_"
            // No runs of `.` or `_`: `..` can never survive, and a mangled name stays readable.
            if (next == "." || next == "_"), scalars.last == next { continue }
            scalars.append(next)
        }
        let trimmed = String(scalars).trimmingCharacters(in: CharacterSet(charactersIn: "._-"))
        guard !trimmed.isEmpty else { return nil }
        return bounded(trimmed)
    }

    /// Cuts a long name to `nameBytes`, keeping its extension when that is short.
    static func bounded(_ name: String) -> String {
        guard name.utf8.count > nameBytes else { return name }
        var stem = Substring(name)
        var suffix = ""
        if let dot = name.lastIndex(of: "."), name.distance(from: dot, to: name.endIndex) <= 10 {
            stem = name[..<dot]
            suffix = String(name[dot...])
        }
        var kept = String.UnicodeScalarView()
        var bytes = suffix.utf8.count
        for scalar in stem.unicodeScalars {
            bytes += String(scalar).utf8.count
            guard bytes <= nameBytes else { break }
            kept.append(scalar)
        }
        let cut = String(kept).trimmingCharacters(in: CharacterSet(charactersIn: "._-"))
        return (cut.isEmpty ? "document" : cut) + suffix
    }
}
