import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive flock held around async work. Unlike `FileLock.withLockAsync`, the blocking `flock`
/// call waits on a GCD thread, not on one of Swift's few cooperative threads, so several writers in
/// one process queue up without starving the task that holds the lock.
enum HookLock {
    static func withLock<T: Sendable>(_ url: URL, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.writeError(url, errno) }
        defer { close(fd) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global().async {
                while flock(fd, LOCK_EX) != 0 {
                    if errno != EINTR {
                        let message = String(cString: strerror(errno))
                        continuation.resume(throwing: GatewayError("could not lock \(url.path): \(message)"))
                        return
                    }
                }
                continuation.resume()
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }
}
