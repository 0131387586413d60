/// FNV-1a, 64 bit: a short, stable name for a path (a town's tmux socket), identical on every platform
/// and every run — unlike `Hasher`, which is seeded per process.
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The first `length` hex digits of the hash.
    public static func shortHex(_ text: String, length: Int = 8) -> String {
        let hex = String(fnv1a64(text), radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return String(padded.prefix(length))
    }
}
