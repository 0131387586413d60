import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatewayKit
import GatewayCore

/// Runs a command that leaves a daemon behind (`tmux new-session` starts the tmux server) and waits
/// for the command itself, not for the daemon.
///
/// Foundation's `Process` on Linux learns that a child ended when a socket it shares with the child
/// closes; the child's descendants inherit that socket, so a started tmux server keeps it open and
/// `waitUntilExit` (and reading the output pipes) waits for as long as the server lives. Here the
/// child gets no descriptor but /dev/null and an error file, and waitpid waits for it alone — on a
/// thread of its own, so the awaiting test holds none of the cooperative pool.
public enum DetachedSpawn {
    public static func run(_ executable: String, _ arguments: [String], errors: URL) async throws -> Int32 {
        guard let path = executable.contains("/") ? executable : ExecutableLookup.find(executable) else {
            throw GatewayError("\(executable) is not installed or not on PATH")
        }
        return try await onOwnThread {
            let pid = try Spawn.start(path, arguments, SpawnOptions(output: .null, errors: .truncate(errors)))
            return try Spawn.wait(pid)
        }
    }
}
