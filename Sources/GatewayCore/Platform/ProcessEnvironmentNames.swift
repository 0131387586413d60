import Foundation

/// The names (never the values) of another process's environment variables, where this system shows
/// them: Linux lists them in `/proc/PID/environ` for a process of the same user. macOS has no such file;
/// there the answer is nil and callers say they could not look.
public enum ProcessEnvironmentNames {
    public static func of(_ pid: Int32) -> Set<String>? {
        #if os(Linux)
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        return Set(data.split(separator: 0).compactMap { entry in
            entry.firstIndex(of: UInt8(ascii: "=")).map { String(decoding: entry[entry.startIndex..<$0], as: UTF8.self) }
        })
        #else
        return nil
        #endif
    }
}
