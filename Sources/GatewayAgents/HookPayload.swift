import Foundation

/// What `gw agent-event` takes from a hook's stdin, bounded: an agent (or a prompt injected into one)
/// controls the payload, and a payload of any size would otherwise be read and stored whole.
public enum HookPayload {
    /// The most of a payload Gateway reads and stores. The largest text Gateway types into an agent is
    /// 1 MiB (anything larger goes into the agent's hook as a file); a payload quotes it once, and JSON
    /// escaping can double it. 4 MiB holds that with room to spare, and is at least twice any prompt.
    public static let maxBytes = 4 << 20
    /// A field kept from a payload over the cap is an id, a path or a short word, never long text.
    static let maxKeptField = 4_096
    /// The fields kept from a payload over its cap: they name the session, turn and transcript; every
    /// text field (a prompt, a reply) is dropped rather than cut, so a Stop takes its reply from the
    /// transcript instead.
    static let keptFields: Set<String> = [
        "session_id", "prompt_id", "transcript_path", "cwd", "hook_event_name", "source", "reason", "trigger",
    ]

    /// Reads stdin up to the cap: the payload, or a stand-in holding its identifying fields when it is
    /// larger (the rest is never read).
    public static func read(from handle: FileHandle, limit: Int = maxBytes) -> String {
        var data = Data()
        while data.count <= limit {
            let piece = handle.readData(ofLength: min(1 << 20, limit + 1 - data.count))
            if piece.isEmpty { break }
            data.append(piece)
        }
        guard data.count > limit else { return String(decoding: data, as: UTF8.self) }
        return standIn(forPrefix: data.prefix(limit), limit: limit)
    }

    /// A JSON object with the kept fields found whole in `prefix`, and a note saying why the rest is gone.
    static func standIn(forPrefix prefix: Data, limit: Int) -> String {
        var object: [String: Any] = TopLevelFields.strings(in: Array(prefix)).filter { keptFields.contains($0.key) && $0.value.utf8.count <= maxKeptField }
        object["gateway_note"] = "the payload was larger than \(limit) bytes: only its identifying fields were kept"
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// The string fields at the top level of a JSON object that may be cut short: each field is kept only
/// when its value's closing quote was read. Text inside other values (a reply quoting
/// `"transcript_path"`) is never taken for a field.
enum TopLevelFields {
    static func strings(in bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        /// A string literal starting at `index` (a quote), or nil when it is not closed in the bytes read.
        func literal() -> String? {
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    let text = Data(bytes[start..<index])
                    return (try? JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed])) as? String
                default: index += 1
                }
            }
            return nil
        }
        /// Skips a value that is not a string: numbers, literals, nested objects and arrays.
        func skipValue() -> Bool {
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""): if literal() == nil { return false }; continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                case UInt8(ascii: ","): if depth == 0 { return true }
                default: break
                }
                index += 1
            }
            return false
        }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return fields }
        index += 1
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = literal() else { return fields }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return fields }
            index += 1
            skipSpace()
            guard index < bytes.count else { return fields }
            if bytes[index] == UInt8(ascii: "\"") {
                guard let value = literal() else { return fields }
                fields[key] = value
            } else if !skipValue() {
                return fields
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return fields }
            index += 1
        }
    }
}
