import Foundation

/// Decodes the text files people edit (gateway.toml, HEARTBEAT.md). A file that is not UTF-8 — saved
/// by an editor in another encoding, or damaged — is reported with the line of its first bad byte and
/// the fix, instead of Foundation's "the file isn't in the correct format".
public enum UTF8Text {
    /// Where the first byte that is not UTF-8 sits: its line (from 1) and byte offset in the file.
    public struct InvalidByte: Error, Sendable, Equatable {
        public var line: Int
        public var offset: Int
        /// Why the text is not UTF-8, and the fix.
        public var message: String
    }

    /// The text of `data`, or where and why it is not UTF-8.
    public static func decode(_ data: Data) -> Result<String, InvalidByte> {
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        let bytes = [UInt8](data)
        let offset = firstInvalidOffset(bytes) ?? 0
        let line = bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let utf16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        let what = utf16 ? "is UTF-16 text" : "is not UTF-8 text (byte \(offset) is invalid)"
        return .failure(InvalidByte(line: line, offset: offset, message: "\(what): save the file as UTF-8"))
    }

    /// Reads a file as UTF-8; an invalid byte throws `PATH:LINE: … save the file as UTF-8`.
    public static func read(_ url: URL) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GatewayError("could not read \(url.path): \(error.localizedDescription)")
        }
        switch decode(data) {
        case .success(let text): return text
        case .failure(let invalid): throw GatewayError("\(url.path):\(invalid.line): \(invalid.message)", exit: .config)
        }
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
