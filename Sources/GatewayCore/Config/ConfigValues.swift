import Foundation

/// A length of time written the way people write it in config: `30s`, `30m`, `2h`, `1d`, `1h30m`,
/// `500ms`. Stored in milliseconds so short test settings stay exact.
public struct ConfigDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ value: Double) -> ConfigDuration { .init(milliseconds: Int64((value * 1000).rounded())) }
    public static func minutes(_ value: Int) -> ConfigDuration { .init(milliseconds: Int64(value) * 60_000) }
    public static func hours(_ value: Int) -> ConfigDuration { .init(milliseconds: Int64(value) * 3_600_000) }

    public var seconds: TimeInterval { Double(milliseconds) / 1000 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.milliseconds < rhs.milliseconds }

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The longest duration accepted: longer ones are typos, and would overflow the sleeps they set.
    public static let longest = ConfigDuration(milliseconds: 36_500 * 86_400_000)

    /// Parses `1h30m`-style text; nil when it is not one, or is longer than `longest` (100 years).
    public init?(parsing text: String) {
        guard case .success(let value) = Self.parse(text) else { return nil }
        self = value
    }

    public enum ParseFailure: Error, Sendable { case notADuration, tooLong }

    /// Like `init?(parsing:)`, saying which way the text failed.
    public static func parse(_ text: String) -> Result<ConfigDuration, ParseFailure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return .failure(.notADuration) }
        var total: Int64 = 0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return .failure(.notADuration) }
            guard let number = Int64(digits) else { return .failure(.tooLong) }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == letters }) else { return .failure(.notADuration) }
            rest = rest.dropFirst(letters.count)
            let (product, overflow) = number.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !overflow, !sumOverflow else { return .failure(.tooLong) }
            total = sum
        }
        guard total <= longest.milliseconds else { return .failure(.tooLong) }
        return .success(ConfigDuration(milliseconds: total))
    }

    /// The shortest way to write it back: `30m`, `1h30m`, `1500ms`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        var remaining = milliseconds
        var text = ""
        for (suffix, size) in Self.units.reversed() where size >= 1000 {
            if remaining >= size {
                text += "\(remaining / size)\(suffix)"
                remaining %= size
            }
        }
        return text
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a duration: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A wall-clock time of day, `HH:MM`, from `00:00` to `24:00` (the end of the day, for windows).
public struct ClockTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes since midnight, 0...1440.
    public var minutes: Int

    public init(hour: Int, minute: Int) { minutes = hour * 60 + minute }
    public init(minutes: Int) { self.minutes = minutes }

    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              (0...24).contains(hour), (0...59).contains(minute),
              hour < 24 || minute == 0
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.minutes < rhs.minutes }

    public var description: String {
        String(format: "%02d:%02d", hour, minute)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ClockTime(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a clock time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
