import Foundation
import GatewayKit
import GatewayCore

/// What Linux's /proc says a process has used so far. CPU comes from each thread's schedstat (run time
/// in nanoseconds): the clock-tick counters of /proc/PID/stat move in 10 ms steps, too coarse for a
/// 0.05 % limit over 15 s (7.5 ms). A thread that ends mid-window takes its time with it; the tick
/// counters, which keep it, are sampled too as a cross-check.
struct ProcSample {
    var cpuNanoseconds: Double
    var tickMilliseconds: Double
    /// CPU of children the process has waited for (tmux clients, git): work it caused, not its own.
    var childrenTickMilliseconds: Double
    var contextSwitches: Double
    var threads: Int
    var rssKilobytes: Double
    var rssAnonKilobytes: Double
    var rssFileKilobytes: Double

    static var available: Bool { FileManager.default.fileExists(atPath: "/proc/self/task") }

    static func read(_ pid: Int32) throws -> ProcSample {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw GatewayError("unreadable /proc/\(pid)/stat") }
        // Fields after "(comm)", 1-based as in proc(5): utime 14, stime 15, cutime 16, cstime 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ").compactMap { Double($0) }
        guard fields.count > 14 else { throw GatewayError("unreadable /proc/\(pid)/stat") }
        let tick = 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
        var sample = ProcSample(cpuNanoseconds: 0, tickMilliseconds: (fields[10] + fields[11]) * tick,
                                childrenTickMilliseconds: (fields[12] + fields[13]) * tick, contextSwitches: 0, threads: 0,
                                rssKilobytes: 0, rssAnonKilobytes: 0, rssFileKilobytes: 0)
        for thread in try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") {
            // A thread may end between the listing and the read: it is simply not counted.
            guard let schedstat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/schedstat", encoding: .utf8),
                  let ran = schedstat.split(separator: " ").first.flatMap({ Double($0) }) else { continue }
            sample.cpuNanoseconds += ran
            sample.threads += 1
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/status", encoding: .utf8)) ?? ""
            sample.contextSwitches += field(status, "voluntary_ctxt_switches") + field(status, "nonvoluntary_ctxt_switches")
        }
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        sample.rssKilobytes = field(status, "VmRSS")
        sample.rssAnonKilobytes = field(status, "RssAnon")
        sample.rssFileKilobytes = field(status, "RssFile")
        return sample
    }

    /// The number after `name:` in a /proc status file (kB for memory), 0 when absent.
    static func field(_ status: String, _ name: String) -> Double {
        status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .flatMap { $0.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first.flatMap { Double($0) } } ?? 0
    }
}
