import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `flock -o -w SECONDS LOCK COMMAND…` for machines without flock(1): runs a command while holding a
/// flock, the lock staying with this process (not with the command's own children) until the command
/// exits. When the lock stays taken past `wait`, the command runs anyway: a late commit beats a failed one.
public enum LockedExec {
    /// Runs `argv` (stdin, stdout and stderr shared with this process) and returns its exit status,
    /// 128+N when signal N ended it.
    public static func run(lock: URL, wait: TimeInterval, argv: [String], clock: any WallClock) async throws -> Int32 {
        guard let executable = argv.first else { throw GatewayError.usage("lock-exec needs a command to run after --") }
        let fd = open(lock.path, O_RDWR | O_CREAT | O_CLOEXEC, FileSystem.privateFileMode)
        guard fd >= 0 else { throw FileSystem.writeError(lock, errno) }
        defer { close(fd) }
        // flock has no timed wait: try every 10 ms, and past `wait` run the command without the lock.
        _ = try await clock.poll(every: .milliseconds(10), until: clock.now().addingTimeInterval(wait)) { () throws -> Bool? in
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno != EWOULDBLOCK && errno != EINTR { throw GatewayError("could not lock \(lock.path): \(String(cString: strerror(errno)))") }
            return nil
        }
        let path = try LiveProcessRunner.resolve(executable).path
        let child = try Spawn.start(path, Array(argv.dropFirst()), SpawnOptions(input: .inherit))
        return try await Spawn.waitForExit(child)
    }
}
