import Foundation
import GatewayKit
import GatewayCore

/// Holds `url`'s flock on an open file of the test's own, as a Gateway writer or an agent's git does,
/// until `release()` — or, given `releaseAfter`, at the latest then, by a thread of its own, so a test
/// whose tasks cannot run fails instead of hanging.
public final class HeldLock: @unchecked Sendable {
    public let url: URL
    private let descriptor: Int32
    private let lock = NSLock()
    private var released = false
    private var byTimer = false

    public init(_ url: URL, releaseAfter seconds: TimeInterval? = nil) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else { throw GatewayError("could not lock \(url.path)") }
        guard let seconds else { return }
        Thread { [self] in
            Thread.sleep(forTimeInterval: seconds)
            release(byTimer: true)
        }.start()
    }

    /// True when the timer, not the test, let go of it.
    public var releasedByTimer: Bool { lock.withLock { byTimer } }

    public func release(byTimer timer: Bool = false) {
        lock.withLock {
            guard !released else { return }
            released = true
            byTimer = timer
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }
}
