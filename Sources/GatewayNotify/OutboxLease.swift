import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The right to deliver a town's outbox: an exclusive flock on `.gateway/outbox.lock`, held by the
/// daemon for its life or by `gw notify send` while it delivers. The kernel drops it when the holder
/// dies, so a worker that gets it knows every `sending` row belongs to a dead one.
public final class OutboxLease: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var held = true

    private init(descriptor: Int32) { self.descriptor = descriptor }

    public static func file(for town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("outbox.lock") }

    /// Takes the lease, waiting until `deadline` of `clock` at most; nil when another worker kept it.
    public static func acquire(_ url: URL, until deadline: Date, clock: any WallClock) async throws -> OutboxLease? {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Close-on-exec: a child (a tmux server started by the daemon) must never inherit the lease and
        // keep holding it after this process is gone.
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, FileSystem.privateFileMode)
        guard descriptor >= 0 else { throw GatewayError("could not open \(url.path): \(String(cString: strerror(errno)))") }
        do {
            // flock has no timed wait, and a blocking one could not honour --timeout: try every 100 ms.
            let taken = try await clock.poll(every: .milliseconds(100), until: deadline) { () throws -> Bool? in
                if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
                guard errno == EWOULDBLOCK || errno == EINTR else {
                    throw GatewayError("could not lock \(url.path): \(String(cString: strerror(errno)))")
                }
                return nil
            }
            if taken != nil { return OutboxLease(descriptor: descriptor) }
            close(descriptor)
            return nil
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// `acquire(_:until:clock:)` on the system clock, for callers that have no environment at hand (the
    /// daemon's outbox service, until it passes its environment's clock).
    public static func acquire(_ url: URL, until deadline: Date) async throws -> OutboxLease? {
        try await acquire(url, until: deadline, clock: SystemWallClock())
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

extension Town {
    /// The daemon's pid when one runs: `.gateway/daemon.pid` naming a live process.
    public func runningDaemonPID() -> Int32? { DaemonPidFile.runningPid(self) }
}
