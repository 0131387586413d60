import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon writes its pid to `.gateway/daemon.pid`; a pid whose process is gone is stale. The pid
/// file is informational: what keeps two daemons apart is the flock on `.gateway/daemon.lock`
/// (`DaemonLock`), which the kernel drops when the daemon dies, however it dies.
public enum DaemonPidFile {
    public static func url(_ town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("daemon.pid") }

    /// The pid the file names, alive or not.
    public static func recordedPid(_ town: Town) -> Int32? {
        guard let text = try? String(contentsOf: url(town), encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
        return pid
    }

    /// The running daemon's pid, or nil.
    public static func runningPid(_ town: Town) -> Int32? {
        guard let pid = recordedPid(town), processExists(pid) else { return nil }
        return pid
    }

    /// When the running daemon wrote its pid file: its start.
    public static func startedAt(_ town: Town) -> Date? {
        FileSystem.modificationDate(url(town))
    }

    /// True when `pid` names a live process (one of another user's counts too; a zombie — exited,
    /// not yet reaped by its parent — does not).
    public static func processExists(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        return !isZombie(pid)
    }

    /// Linux's /proc tells an exited, unreaped process apart; elsewhere nothing is a zombie here.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
