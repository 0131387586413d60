import Foundation
import GatewayKit
import GatewayCore

/// What Linux's /proc says a process has used so far. CPU comes from each thread's schedstat (run time
/// in nanoseconds): the clock-tick counters of /proc/PID/stat move in 10 ms steps, too coarse for a
/// 0.05 % limit over 15 s (7.5 ms). A thread that ends mid-window takes its time with it; the tick
/// counters, which keep it, are sampled too as a cross-check.
struct ProcSample {
    var cpuNanoseconds: Double
    /// Each live thread's run time, by thread id.
    var threadNanoseconds: [String: Double] = [:]
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
            sample.threadNanoseconds[thread] = ran
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

    /// CPU used between `start` and this sample. Per thread, so a thread that ended in between (its run
    /// time gone from the sum) cannot make it negative; when one did, the tick counters, which keep an
    /// ended thread's time, are the better figure if they say more. `threadsEnded` tells which case held.
    func cpuNanoseconds(since start: ProcSample) -> (nanoseconds: Double, threadsEnded: Int) {
        var used = 0.0
        for (thread, ran) in threadNanoseconds { used += ran - (start.threadNanoseconds[thread] ?? 0) }
        let ended = start.threadNanoseconds.keys.filter { threadNanoseconds[$0] == nil }.count
        guard ended > 0 else { return (used, 0) }
        return (max(used, (tickMilliseconds - start.tickMilliseconds) * 1e6), ended)
    }

    /// The number after `name:` in a /proc status file (kB for memory), 0 when absent.
    static func field(_ status: String, _ name: String) -> Double {
        status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .flatMap { $0.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first.flatMap { Double($0) } } ?? 0
    }
}
