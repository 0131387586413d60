import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file helpers with the guarantees Gateway promises: writes are atomic, locks are real.
public enum FileSystem {
    /// Files Gateway creates are the owner's alone: the ledger, logs, memory and settings say what the
    /// owner does, and other accounts on the machine have no business reading them.
    public static let privateFileMode: mode_t = 0o600
    /// Folders Gateway creates for its own state (`.gateway/`, the hooks), for the same reason.
    public static let privateDirectoryMode: mode_t = 0o700

    /// Creates `url` (and missing parents) when absent and makes it the owner's alone.
    public static func makePrivateDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try makePrivate(url, mode: privateDirectoryMode)
    }

    /// Sets `mode` on an existing file or folder; a missing one is left alone.
    public static func makePrivate(_ url: URL, mode: mode_t = privateFileMode) throws {
        guard exists(url) else { return }
        if chmod(url.path, mode) != 0 {
            throw GatewayError("could not make \(url.path) private (chmod \(String(mode, radix: 8))): \(String(cString: strerror(errno)))")
        }
    }

    /// How the temporary file `writeAtomically` writes beside `name` begins.
    static func temporaryPrefix(for name: String) -> String { ".\(name).tmp-" }

    /// Whether `path` (relative, `/`-separated) is a temporary file `writeAtomically` writes on its way to
    /// `target`: a folder listing taken mid-write can show one.
    public static func isTemporary(_ path: String, of target: String) -> Bool {
        let (folder, name) = target.lastIndex(of: "/").map { (String(target[...$0]), String(target[target.index(after: $0)...])) } ?? ("", target)
        return path.hasPrefix(folder + temporaryPrefix(for: name)) && !path.dropFirst(folder.count).contains("/")
    }

    /// Writes `data` to a temporary file beside `url`, flushes it, then renames it into place,
    /// so a reader sees the old file or the new one and never half of either. `flush: false` skips the
    /// flush to disk (an fsync costs milliseconds, more on a busy disk), for a file whose loss or
    /// staleness after a power cut only costs work done again.
    public static func writeAtomically(_ data: Data, to url: URL, permissions: Int? = nil, flush: Bool = true) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent("\(temporaryPrefix(for: url.lastPathComponent))\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions.map { mode_t($0) } ?? FileSystem.privateFileMode)
        guard fd >= 0 else { throw writeError(url, errno) }
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress!.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, flush, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 {
            unlink(temporary.path)
            throw writeError(url, failure)
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            unlink(temporary.path)
            throw writeError(url, code)
        }
    }

    public static func writeAtomically(_ text: String, to url: URL, permissions: Int? = nil, flush: Bool = true) throws {
        try writeAtomically(Data(text.utf8), to: url, permissions: permissions, flush: flush)
    }

    /// Flushes files written earlier (`writeAtomically(flush: false)`) to disk, on a thread of their own
    /// (an fsync blocks for milliseconds, which no task of the shared pool should): for a caller that has
    /// something to do while the disk works, and needs the files safe only before its next step.
    public static func flush(_ urls: [URL]) async throws {
        guard !urls.isEmpty else { return }
        try await BlockingWait.run {
            for url in urls {
                let fd = open(url.path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw writeError(url, errno) }
                defer { close(fd) }
                if fsync(fd) != 0 { throw writeError(url, errno) }
            }
        }
    }

    /// Appends `text` with one write(2) on an O_APPEND descriptor, creating the file when missing.
    public static func append(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, FileSystem.privateFileMode)
        guard fd >= 0 else { throw writeError(url, errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw writeError(url, written < 0 ? errno : EIO) }
    }

    package static func writeError(_ url: URL, _ code: Int32) -> GatewayError {
        GatewayError("could not write \(url.path): \(String(cString: strerror(code)))")
    }

    public static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    /// The size in bytes of a file, or nil when there is none. One stat(2): FileManager's attributes
    /// also look up the owner's and group's names, reading the user and group databases each time.
    public static func size(_ url: URL) -> Int? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// When a file last changed, or nil when there is none (one stat(2), as `size`).
    public static func modificationDate(_ url: URL) -> Date? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Date(timeIntervalSince1970: TimeInterval(time.tv_sec) + TimeInterval(time.tv_nsec) / 1_000_000_000)
    }

    public static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Reads a UTF-8 text file; a byte that is not UTF-8 is reported with its line and the fix.
    public static func readText(_ url: URL) throws -> String {
        try UTF8Text.read(url)
    }
}

/// An exclusive advisory lock on a file (flock), held for the duration of `body`.
/// Used so that two `gw` processes never edit the same machine-written file at once.
public enum FileLock {
    public static func withLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        let fd = try openLockFile(url)
        defer { close(fd) }
        try acquireBlocking(fd, url)
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// The same lock around async work; the lock is held by this process's open file, so it is
    /// released if the process dies. A lock held elsewhere is waited for on a thread of its own
    /// (`BlockingWait`): a daemon waiting for a hook that an agent's `git commit` holds must still
    /// deliver notifications and check the Mayor meanwhile.
    public static func withLockAsync<T>(_ url: URL, _ body: () async throws -> T) async throws -> T {
        let fd = try openLockFile(url)
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            try await BlockingWait.run { try acquireBlocking(fd, url) }
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }

    /// Whether another open file (this process's or another's) holds the lock now. A snapshot: it may
    /// be taken the moment after.
    public static func isHeld(_ url: URL) -> Bool {
        let fd = open(url.path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    private static func openLockFile(_ url: URL) throws -> Int32 {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, FileSystem.privateFileMode)
        guard fd >= 0 else { throw FileSystem.writeError(url, errno) }
        return fd
    }

    private static func acquireBlocking(_ fd: Int32, _ url: URL) throws {
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw GatewayError("could not lock \(url.path): \(String(cString: strerror(errno)))") }
        }
    }
}
