import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GatewayKit

/// Runs a command that leaves a daemon behind (`tmux new-session` starts the tmux server) and waits
/// for the command itself, not for the daemon.
///
/// Foundation's `Process` on Linux learns that a child ended when a socket it shares with the child
/// closes; the child's descendants inherit that socket, so a started tmux server keeps it open and
/// `waitUntilExit` (and reading the output pipes) waits for as long as the server lives. Here the
/// child gets no descriptor but /dev/null and an error file, and waitpid waits for it alone.
enum DetachedSpawn {
    static func run(_ executable: String, _ arguments: [String], errors: URL) throws -> Int32 {
        guard let path = executable.contains("/") ? executable : ExecutableLookup.find(executable) else {
            throw GatewayError("\(executable) is not installed or not on PATH")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Close every other descriptor in the child (glibc ignores a close of one that is gone by then).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        // Start with no blocked signals, whatever the calling thread blocks.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw GatewayError("could not start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw GatewayError("waiting for \(path) failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, spelled out because the C macros do not import.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
