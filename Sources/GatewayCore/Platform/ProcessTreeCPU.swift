import Foundation

/// The CPU time a process and all its descendants have used, for telling a stuck agent (nothing runs)
/// from a busy one. Linux reads /proc; elsewhere (macOS) the figure comes from `ps`.
public enum ProcessTreeCPU {
    /// Seconds of user and system time of `root` and its descendants, or nil when it cannot be read.
    public static func seconds(root: Int32) -> Double? {
        #if os(Linux)
        return linux(root: root)
        #else
        return fromPS(root: root)
        #endif
    }

    #if os(Linux)
    static func linux(root: Int32) -> Double? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        var parent: [Int32: Int32] = [:]
        var ticks: [Int32: Double] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state ppid … utime(14th) stime(15th), counted from the state field as 3.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let ppid = Int32(fields[1]), let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            parent[pid] = ppid
            ticks[pid] = user + system
        }
        guard ticks[root] != nil else { return nil }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks.keys.filter { descends($0, from: root, parent: parent) }.reduce(0) { $0 + ticks[$1]! } / max(perSecond, 1)
    }
    #else
    static func fromPS(root: Int32) -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/ps")
        process.arguments = ["-A", "-o", "pid=,ppid=,time="]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var parent: [Int32: Int32] = [:]
        var time: [Int32: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let pid = Int32(fields[0]), let ppid = Int32(fields[1]) else { continue }
            parent[pid] = ppid
            // [[dd-]hh:]mm:ss.ss
            time[pid] = fields[2].split(separator: ":").reduce(0.0) { $0 * 60 + (Double($1.split(separator: "-").last ?? "0") ?? 0) }
        }
        guard time[root] != nil else { return nil }
        return time.keys.filter { descends($0, from: root, parent: parent) }.reduce(0) { $0 + time[$1]! }
    }
    #endif

    static func descends(_ pid: Int32, from root: Int32, parent: [Int32: Int32]) -> Bool {
        var current = pid
        for _ in 0..<64 {
            if current == root { return true }
            guard let next = parent[current], next != current, next > 0 else { return false }
            current = next
        }
        return false
    }
}
