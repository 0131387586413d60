import Foundation
#if os(Linux)
import Glibc
#endif

/// Gives back the pages of program and library code that only starting touched. A process starting
/// reads much of `gw` and of Foundation (config, migrations, every service's first look), and the kernel
/// maps what it reads in blocks around each page; an idle daemon keeps all of it counted as its own
/// (30+ MiB of its resident set) while it uses a fraction. Dropping those mappings frees nothing the
/// process still needs: the pages are clean copies of files, kept in the page cache, and the ones it
/// uses again come back on their first touch.
///
/// Only read-only private file mappings with no page of their own are dropped: a page the process
/// wrote (relocated data made read-only afterwards) exists nowhere else, and such a mapping is left
/// whole. Linux only; elsewhere it does nothing.
public enum StartupPages {
    /// Returns how many kilobytes of mappings were dropped (0 where the system does not tell).
    @discardableResult
    public static func release() -> Int {
        #if os(Linux)
        guard let smaps = readWhole("/proc/self/smaps") else { return 0 }
        var released = 0
        for mapping in Self.clean(in: smaps) {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(start, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 { released += mapping.rssKilobytes }
        }
        return released
        #else
        return 0
        #endif
    }

    #if os(Linux)
    /// The whole of a `/proc` file. Foundation's readers trust the size the file reports, which is 0
    /// here, and stop after the first read: a few kilobytes of a list ten times as long.
    static func readWhole(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
    #endif

    /// A mapping that may be dropped, with its resident size.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var rssKilobytes: Int
    }

    /// The read-only, private, file-backed mappings of `smaps` (the text of `/proc/PID/smaps`) that hold
    /// no anonymous page. Read as bytes: the daemon runs this once, settled, and it should cost it
    /// about a millisecond, not the dozen a walk over Swift strings took.
    static func clean(in smaps: [UInt8]) -> [Mapping] {
        var found: [Mapping] = []
        var current: Mapping?
        var rss = 0
        for line in smaps.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 5)
            guard let first = fields.first else { continue }
            if first.last != UInt8(ascii: ":"), first.contains(UInt8(ascii: "-")) {
                current = nil
                let bounds = first.split(separator: UInt8(ascii: "-"))
                guard fields.count >= 5, bounds.count == 2, let start = number(bounds[0], radix: 16),
                      let end = number(bounds[1], radix: 16), fields[1].count == 4, !fields[4].elementsEqual("0".utf8) else { continue }
                let perms = Array(fields[1])
                // Readable or executable, never writable, private (not shared with another process).
                guard perms[1] == UInt8(ascii: "-"), perms[3] == UInt8(ascii: "p") else { continue }
                current = Mapping(start: start, end: end, rssKilobytes: 0)
                rss = 0
            } else if first.elementsEqual("Rss:".utf8), fields.count >= 2 {
                rss = number(fields[1], radix: 10).map { Int($0) } ?? 0
            } else if first.elementsEqual("Anonymous:".utf8), fields.count >= 2 {
                if var mapping = current, number(fields[1], radix: 10) == 0 {
                    mapping.rssKilobytes = rss
                    found.append(mapping)
                }
                current = nil
            }
        }
        return found
    }

    static func clean(in smaps: String) -> [Mapping] { clean(in: Array(smaps.utf8)) }

    static func number(_ digits: ArraySlice<UInt8>, radix: UInt) -> UInt? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt = 0
        for digit in digits {
            let figure: UInt
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): figure = UInt(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): figure = UInt(digit - UInt8(ascii: "a")) + 10
            default: return nil
            }
            guard figure < radix else { return nil }
            value = value &* radix &+ figure
        }
        return value
    }
}
