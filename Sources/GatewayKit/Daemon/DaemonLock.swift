import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-daemon-per-town guarantee: an exclusive flock on `.gateway/daemon.lock`, held for the
/// daemon's whole life and dropped by the kernel when it dies — so a SIGKILLed daemon's stale pid file
/// never blocks the next start. The descriptor is close-on-exec, so the tmux server and agents the
/// daemon starts never inherit the lock.
public final class DaemonLock: @unchecked Sendable {
    public let town: Town
    private let descriptor: Int32
    private let lock = NSLock()
    private var held = true

    private init(town: Town, descriptor: Int32) {
        self.town = town
        self.descriptor = descriptor
    }

    public static func file(for town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("daemon.lock") }

    /// Takes the lock and writes the pid file; throws, naming the running daemon, when another holds it.
    /// A few short retries let a `gw` that is merely looking (or a daemon just exiting) pass.
    public static func acquire(_ town: Town, clock: any WallClock, pid: Int32 = getpid(), attempts: Int = 10) async throws -> DaemonLock {
        try FileManager.default.createDirectory(at: town.runtimeDirectory, withIntermediateDirectories: true)
        let path = file(for: town).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, FileSystem.privateFileMode)
        guard descriptor >= 0 else { throw GatewayError("could not open \(path): \(String(cString: strerror(errno)))") }
        for attempt in 1...max(1, attempts) {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                let daemonLock = DaemonLock(town: town, descriptor: descriptor)
                try FileSystem.writeAtomically("\(pid)\n", to: DaemonPidFile.url(town))
                return daemonLock
            }
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw GatewayError("could not lock \(path): \(String(cString: strerror(code)))")
            }
            if attempt < attempts { try await clock.sleep(for: .milliseconds(100)) }
        }
        close(descriptor)
        let holder = DaemonPidFile.runningPid(town).map { " (pid \($0))" } ?? ""
        throw GatewayError("a daemon is already running for this town\(holder): see `gw daemon status`, or stop it with `gw daemon stop`")
    }

    /// Removes the pid file (when it is still ours) and drops the lock.
    public func release() {
        lock.withLock {
            guard held else { return }
            held = false
            if DaemonPidFile.recordedPid(town) == getpid() {
                do { try FileManager.default.removeItem(at: DaemonPidFile.url(town)) } catch {
                    FileHandle.standardError.write(Data("gw: could not remove \(DaemonPidFile.url(town).path): \(error.localizedDescription)\n".utf8))
                }
            }
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    deinit { release() }
}
