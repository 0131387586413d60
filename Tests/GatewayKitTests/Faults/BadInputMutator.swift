import Foundation
import GatewayTestSupport

/// The ways the bad-input scenario damages a file or payload: what editors, terminals, disks and
/// careless hands do to text.
enum InputMutation: String, CaseIterable, Sendable {
    case byteFlip, truncate, deleteLines, duplicateLines, invalidUTF8, hugeValue, wrongType, deepNesting
    case nulBytes, crlf, bom, unknownKey, duplicateKey
}

/// The syntax an input is written in; the structural mutations (huge values, wrong types, nesting,
/// unknown and duplicate keys) are made in it, so they reach the parser's later stages instead of
/// failing at the first byte.
enum InputDialect: Sendable {
    case toml, markdown, json
}

/// Damages inputs with a seeded generator, so a failing run replays from its seed.
struct InputMutator {
    var random: SeededGenerator
    /// The longest huge value; the short form keeps it small enough to stay fast.
    let hugeLength: Int

    /// One to three mutations applied in turn; returns the damaged bytes and what was done.
    mutating func mutate(_ text: String, dialect: InputDialect) -> (bytes: [UInt8], applied: [InputMutation]) {
        var bytes = Array(text.utf8)
        var applied: [InputMutation] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let mutation = InputMutation.allCases.randomElement(using: &random)!
            bytes = apply(mutation, to: bytes, dialect: dialect)
            applied.append(mutation)
        }
        return (bytes, applied)
    }

    mutating func apply(_ mutation: InputMutation, to bytes: [UInt8], dialect: InputDialect) -> [UInt8] {
        switch mutation {
        case .byteFlip: return flipBytes(bytes)
        case .truncate: return Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
        case .deleteLines: return deleteLines(bytes)
        case .duplicateLines: return duplicateLines(bytes)
        case .invalidUTF8: return insert(Self.invalidSequences.randomElement(using: &random)!, into: bytes)
        case .nulBytes: return insert(Array(repeating: 0, count: Int.random(in: 1...3, using: &random)), into: bytes)
        case .crlf: return crlf(bytes)
        case .bom: return (Bool.random(using: &random) ? [0xEF, 0xBB, 0xBF] : [0xFF, 0xFE]) + bytes
        case .hugeValue, .wrongType, .deepNesting, .unknownKey, .duplicateKey:
            switch dialect {
            case .toml: return Array(toml(mutation, String(decoding: bytes, as: UTF8.self)).utf8)
            case .markdown: return Array(markdown(mutation, String(decoding: bytes, as: UTF8.self)).utf8)
            case .json: return json(mutation, bytes)
            }
        }
    }

    // MARK: Byte and line damage

    static let invalidSequences: [[UInt8]] = [
        [0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80, 0x80],
    ]

    private mutating func flipBytes(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let index = Int.random(in: 0..<result.count, using: &random)
            result[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        }
        return result
    }

    private mutating func insert(_ inserted: [UInt8], into bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        result.insert(contentsOf: inserted, at: Int.random(in: 0...bytes.count, using: &random))
        return result
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] { Array(lines.joined(separator: [0x0A])) }

    private mutating func deleteLines(_ bytes: [UInt8]) -> [UInt8] {
        var lines = Self.lines(bytes)
        for _ in 0..<Int.random(in: 1...3, using: &random) where lines.count > 1 {
            lines.remove(at: Int.random(in: 0..<lines.count, using: &random))
        }
        return Self.join(lines)
    }

    private mutating func duplicateLines(_ bytes: [UInt8]) -> [UInt8] {
        var lines = Self.lines(bytes)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let line = lines.randomElement(using: &random)!
            lines.insert(line, at: Int.random(in: 0...lines.count, using: &random))
        }
        return Self.join(lines)
    }

    private mutating func crlf(_ bytes: [UInt8]) -> [UInt8] {
        if Bool.random(using: &random) {
            return Self.join(Self.lines(bytes).map { $0 + [0x0D] })
        }
        // A stray carriage return in the middle of a line, as a terminal paste leaves.
        return insert([0x0D], into: bytes)
    }

    // MARK: Huge values

    mutating func hugeText() -> String {
        let length = Int.random(in: hugeLength / 4...hugeLength, using: &random)
        return String(repeating: ["x", "字", "😀", " "].randomElement(using: &random)!, count: length)
    }

    static let hugeNumbers = [
        "99999999999999999999", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e400", "-1e400",
        "1.7976931348623157e308", "4.9e-324", "18446744073709551616",
    ]

    /// Durations and times at and past the edges of what they can hold.
    static let hugeDurations = [
        "100000000000d100000000000d", "99999999999999999999h", "106751991167d", "9223372036854775807ms", "1d9223372036854775807ms",
        "10675199116730d", "999999999999s",
    ]

    // MARK: Nesting

    mutating func nestingDepth() -> Int { [64, 300, 1_000, 5_000].randomElement(using: &random)! }
}
