import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive flock on a file, held until `release()` (or deinit). The kernel drops it when the
/// holder dies, so whoever takes it next knows the last holder is gone. Opened close-on-exec: a child
/// (a tmux server the daemon starts) never inherits it and keeps it past this process.
public final class HeldFileLock: @unchecked Sendable {
    public let file: URL
    let descriptor: Int32
    private let lock = NSLock()
    private var held = true

    private init(file: URL, descriptor: Int32) {
        self.file = file
        self.descriptor = descriptor
    }

    /// Takes the lock if it is free now; nil when another holds it.
    public static func tryTake(_ file: URL) throws -> HeldFileLock? {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, FileSystem.privateFileMode)
        guard descriptor >= 0 else { throw GatewayError("could not open \(file.path): \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return HeldFileLock(file: file, descriptor: descriptor) }
        let code = errno
        close(descriptor)
        guard code == EWOULDBLOCK || code == EINTR else { throw GatewayError("could not lock \(file.path): \(String(cString: strerror(code)))") }
        return nil
    }

    /// Takes the lock, trying every 100 ms until `deadline` on `clock` (flock has no timed wait); nil when
    /// another kept it that long.
    public static func take(_ file: URL, until deadline: Date, clock: any WallClock) async throws -> HeldFileLock? {
        try await clock.poll(every: .milliseconds(100), until: deadline) { try tryTake(file) }
    }

    /// Replaces the file's content with `text` (who holds it, for whoever is refused).
    public func record(_ text: String) {
        ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    public func release() {
        lock.withLock {
            guard held else { return }
            held = false
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    deinit { release() }
}
