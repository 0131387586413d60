import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files of another tool's folder, which Gateway does not control: only a regular file (a
/// FIFO would block the import for ever, a device never end), a symbolic link only when it stays inside
/// the folder being imported (a link to `~/.ssh/id_rsa` must not land in a hook that is pushed), at most
/// `limit` bytes, and UTF-8. Each refusal is an error that says why, for the import to name and skip.
enum ImportedFile {
    static func read(_ url: URL, within root: URL, limit: Int) throws -> String {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw GatewayError("cannot be read: \(String(cString: strerror(errno)))") }
        var target = url
        if (info.st_mode & S_IFMT) == S_IFLNK {
            target = url.resolvingSymlinksInPath()
            let inside = root.resolvingSymlinksInPath().path + "/"
            guard target.path.hasPrefix(inside) else {
                throw GatewayError("is a symbolic link to \(target.path), outside \(root.path): not followed")
            }
            guard stat(target.path, &info) == 0 else { throw GatewayError("is a symbolic link to \(target.path), which cannot be read") }
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GatewayError((info.st_mode & S_IFMT) == S_IFDIR ? "is a folder, not a file" : "is not a regular file")
        }
        guard Int(info.st_size) <= limit else {
            throw GatewayError("is \(info.st_size) bytes, more than the \(limit) an import reads")
        }
        do {
            return try UTF8Text.read(target)
        } catch let error as GatewayError {
            // UTF8Text names the path and line; the caller names the file already.
            let message = error.message.hasPrefix(target.path) ? "line " + error.message.dropFirst(target.path.count + 1) : error.message
            throw GatewayError(message)
        }
    }

    /// A name or value from another tool's file, fit to print: control characters escaped (a NUL, an
    /// escape sequence or a newline would garble the terminal or forge a line) and a huge one cut short.
    static func shown(_ text: String, limit: Int = 80) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        guard result.count > limit else { return result }
        return result.prefix(limit) + "… (\(text.count) characters)"
    }
}
