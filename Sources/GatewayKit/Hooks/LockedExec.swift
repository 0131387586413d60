import CGatewayShims
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `flock -o -w SECONDS LOCK COMMAND…` for machines without flock(1): runs a command while holding a
/// flock, the lock staying with this process (not with the command's own children) until the command
/// exits. When the lock stays taken past `wait`, the command runs anyway: late beats failing.
public enum LockedExec {
    /// Runs `argv` (stdin, stdout and stderr shared with this process) and returns its exit status,
    /// 128+N when signal N ended it.
    public static func run(lock: URL, wait: TimeInterval, argv: [String]) throws -> Int32 {
        guard let executable = argv.first else { throw GatewayError.usage("lock-exec needs a command to run after --") }
        let fd = open(lock.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.writeError(lock, errno) }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno != EWOULDBLOCK && errno != EINTR { throw GatewayError("could not lock \(lock.path): \(String(cString: strerror(errno)))") }
            if Date() >= deadline { break }
            usleep(10_000)
        }
        let path = try LiveProcessRunner.resolve(executable).path
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var child = pid_t()
        let spawned = posix_spawn(&child, path, nil, &attributes, cArguments, environ)
        guard spawned == 0 else { throw GatewayError("could not start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 {
            if errno != EINTR { throw GatewayError("waiting for \(executable) failed: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
