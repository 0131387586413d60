import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file this process runs from, symlinks resolved — so that `gw` installed as a link into a build
/// folder still finds its siblings (`gw-mcp`) there. Linux reads the `/proc/self/exe` link; macOS asks
/// the loader (`_NSGetExecutablePath`).
public enum RunningExecutable {
    public static var path: String? {
        #if os(Linux)
        return try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #elseif canImport(Darwin)
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
        return URL(fileURLWithPath: String(cString: buffer)).resolvingSymlinksInPath().path
        #else
        return nil
        #endif
    }

    /// A program installed beside this one (`gw-mcp` beside `gw`).
    public static func sibling(_ name: String, of executable: String) -> URL {
        URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name)
    }
}
