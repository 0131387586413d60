import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which transcripts Gateway reads for an agent, and how much of one. A hook's `transcript_path`
/// comes from the agent, so it is read only when it is a regular file inside the agent's Claude config
/// folder (symlinks resolved first): `/dev/zero`, a FIFO or another account's file is never opened.
public struct TranscriptAccess: Sendable {
    /// A transcript line holds at most one prompt or reply. Typed text is at most 1 MiB and JSON may
    /// double it; 8 MiB is twice that with room to spare. Longer lines are skipped, never parsed.
    public static let maxLineBytes = 8 << 20
    /// The most of a transcript one read takes (the end of it, for the last reply; the next part, for
    /// extraction — the rest waits for the next read).
    public static let maxReadBytes = 64 << 20

    /// The agent's Claude config folder: CLAUDE_CONFIG_DIR, else `~/.claude`.
    public let root: URL

    public init(home: ClaudeConfigHome) { root = home.projectsDirectory.deletingLastPathComponent() }

    /// The transcript at `path`, or nil with the reason when it is not one Gateway may read.
    public func check(_ path: String) -> Result<URL, GatewayError> {
        guard let resolved = Self.realPath(path) else {
            return .failure(GatewayError("the transcript \(path) does not exist"))
        }
        guard let base = Self.realPath(root.path), resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/") else {
            return .failure(GatewayError("the transcript \(path) is outside the agent's Claude config folder \(root.path): not read"))
        }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(GatewayError("the transcript \(path) is not a regular file: not read"))
        }
        return .success(URL(fileURLWithPath: resolved))
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Up to `maxBytes` of `url` from `offset` (nil: the last `maxBytes`, from the first whole line).
    package static func read(_ url: URL, from offset: Int?, maxBytes: Int = maxReadBytes) throws -> (data: Data, start: Int) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        var start = offset.map { $0 <= size ? $0 : 0 } ?? max(0, size - maxBytes)
        try handle.seek(toOffset: UInt64(start))
        var data = (try handle.read(upToCount: maxBytes)) ?? Data()
        if offset == nil, start > 0, let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
            // The tail began inside a line: drop that part line.
            start += newline + 1 - data.startIndex
            data = data[(newline + 1)...]
        }
        return (Data(data), start)
    }
}
