import Foundation

/// What the figures were measured on, printed first and kept in the JSON: figures from a 2-core VM and
/// from a laptop are not comparable, but their ratios mostly are.
enum BenchMachine {
    static func describe() -> [String: String] {
        let info = ProcessInfo.processInfo
        var machine = [
            "cores": String(info.activeProcessorCount),
            "memory_gib": String(format: "%.1f", Double(info.physicalMemory) / 1_073_741_824),
            "os": info.operatingSystemVersionString,
            "date": ISO8601DateFormatter().string(from: Date()),
            "claude": info.environment["GW_CLAUDE_BIN"].map { _ in "yes" } ?? "no (figures needing it are skipped)",
            "quick": info.environment["GW_BENCH_QUICK"] == "1" ? "yes" : "no",
        ]
        #if DEBUG
        machine["build"] = "debug"
        #else
        machine["build"] = "release"
        #endif
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let name = line.split(separator: ":", maxSplits: 1).last {
            machine["cpu"] = name.trimmingCharacters(in: .whitespaces)
        }
        if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
            machine["load_at_start"] = load.split(separator: " ").prefix(3).joined(separator: " ")
        }
        return machine
    }
}
