import Foundation

/// A size in bytes as a config writes it: `"512KB"`, `"20MB"`, `"1GB"`, or a plain number of bytes.
/// Units are binary (1 KB = 1024 bytes), as Telegram's "20 MB" file limit is; `KiB`/`MiB`/`GiB` mean
/// the same and `B` is bytes.
public struct ConfigByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int64

    public init(bytes: Int64) { self.bytes = bytes }
    public static func kilobytes(_ value: Int64) -> ConfigByteSize { .init(bytes: value * 1024) }
    public static func megabytes(_ value: Int64) -> ConfigByteSize { .init(bytes: value * 1024 * 1024) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes < rhs.bytes }

    private static let units: [(suffix: String, bytes: Int64)] = [
        ("", 1), ("b", 1), ("kb", 1024), ("kib", 1024), ("k", 1024), ("mb", 1 << 20), ("mib", 1 << 20), ("m", 1 << 20),
        ("gb", 1 << 30), ("gib", 1 << 30), ("g", 1 << 30),
    ]

    /// Parses `20MB`-style text (case and a space before the unit do not matter); nil when it is not a
    /// whole number with a known unit, or overflows.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, let number = Int64(digits), let scale = Self.units.first(where: { $0.suffix == unit })?.bytes else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        bytes = product
    }

    /// The shortest exact way to write it back: `20MB`, `512KB`, `1500B`.
    public var description: String {
        for (suffix, size) in [("GB", Int64(1 << 30)), ("MB", 1 << 20), ("KB", 1024)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(suffix)"
        }
        return "\(bytes)B"
    }

    /// For people: `20 MB`, `1.5 MB`, `340 KB`, `12 bytes` (rounded; the exact count is `bytes`).
    public static func readable(_ bytes: Int64) -> String {
        if bytes >= 1 << 20 {
            let value = Double(bytes) / Double(1 << 20)
            return value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) MB" : String(format: "%.1f MB", value)
        }
        if bytes >= 1024 { return "\(Int((Double(bytes) / 1024).rounded())) KB" }
        return "\(bytes) byte\(bytes == 1 ? "" : "s")"
    }
}

extension TableReader {
    /// A size such as `"20MB"` (or an integer of bytes) within `range`; the default, with a problem
    /// naming the file and line, when it is not one.
    public func byteSize(_ key: String, default fallback: ConfigByteSize, range: ClosedRange<ConfigByteSize>) -> ConfigByteSize {
        guard let node = node(key) else { return fallback }
        let size: ConfigByteSize
        switch node {
        case .integer(let number): size = ConfigByteSize(bytes: Int64(number))
        case .string(let text):
            guard let parsed = ConfigByteSize(parsing: text) else {
                problem(key, "\"\(text)\" is not a size: write a number and a unit, like \"512KB\" or \"\(fallback)\"")
                return fallback
            }
            size = parsed
        default:
            problem(key, "expected a size like \"\(fallback)\", found \(node.typeName)")
            return fallback
        }
        guard range.contains(size) else {
            problem(key, "must be between \(range.lowerBound) and \(range.upperBound), not \(size)")
            return fallback
        }
        return size
    }
}
