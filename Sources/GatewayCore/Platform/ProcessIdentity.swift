import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process as the kernel knows it: its pid and when it started, so that a pid the kernel has since
/// given to another process is not taken for it. Read without spawning anything, which is what lets
/// the daemon's idle health check confirm that the Mayor still runs for a file read instead of a tmux
/// client. Linux reads `/proc/PID/stat`; macOS asks `sysctl` (`KERN_PROC_PID`).
public struct ProcessIdentity: Sendable, Equatable {
    public let pid: Int32
    /// Clock ticks since boot on Linux, microseconds since the epoch on macOS: only ever compared with
    /// itself.
    public let startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The process `pid` as it is now; nil when there is none, or when it has exited and waits to be
    /// collected (a zombie runs nothing: an agent's pane whose process is a zombie is dead).
    public static func current(_ pid: Int32) -> ProcessIdentity? {
        guard pid > 0 else { return nil }
        #if os(Linux)
        return linux(pid)
        #elseif canImport(Darwin)
        return darwin(pid)
        #else
        return nil
        #endif
    }

    /// Is this the same process, still running?
    public var isAlive: Bool { Self.current(pid) == self }

    #if os(Linux)
    static func linux(_ pid: Int32) -> ProcessIdentity? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parseLinuxStat(stat, pid: pid)
    }
    #endif

    /// `/proc/PID/stat`: after "pid (comm)", the state is the 3rd field and the start time the 22nd
    /// (proc(5)); the command name may hold spaces and parentheses, hence the last ")".
    static func parseLinuxStat(_ stat: String, pid: Int32) -> ProcessIdentity? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, state != "Z", state != "X",
              let start = UInt64(fields[19]) else { return nil }
        return ProcessIdentity(pid: pid, startTime: start)
    }

    #if canImport(Darwin)
    static func darwin(_ pid: Int32) -> ProcessIdentity? {
        var info = kinfo_proc()
        var size = MemoryLayout<kinfo_proc>.stride
        var name: [Int32] = [CTL_KERN, KERN_PROC, KERN_PROC_PID, pid]
        guard sysctl(&name, UInt32(name.count), &info, &size, nil, 0) == 0, size > 0,
              info.kp_proc.p_pid == pid, Int32(info.kp_proc.p_stat) != SZOMB else { return nil }
        let start = info.kp_proc.p_un.__p_starttime
        return ProcessIdentity(pid: pid, startTime: UInt64(start.tv_sec) * 1_000_000 + UInt64(start.tv_usec))
    }
    #endif
}
