import Foundation
import GatewayKit
import GatewayCore
import GatewayHeartbeat

/// One area's benchmarks.
protocol BenchSuite: Sendable {
    var name: String { get }
    func run(_ reporter: BenchReporter) async throws
}

/// The suites `scripts/bench` runs, in order. Each area adds its own.
enum BenchRegistry {
    static let all: [any BenchSuite] = [
        StatusBench(),
        BeatBench(),
        FormulaBench(),
        ConvoyBench(),
        HeartbeatBench(),
        NotifyBench(),
        MemoryBench(),
        HookBench(),
        SlingBench(),
        DaemonBench(),
        MayorBench(),
    ]
}

/// Prints `name value unit` lines and keeps them for `--json`. A figure reported with `baseline:` (the
/// name of a floor or baseline figure of the same run, reported before it) also shows that figure and
/// the ratio between them, so a reader on another machine compares like with like.
final class BenchReporter: @unchecked Sendable {
    struct Figure: Codable {
        var name: String
        var value: Double
        var unit: String
        var baseline: String?
        var baselineValue: Double?
        var ratio: Double?
    }

    private let lock = NSLock()
    private var figures: [Figure] = []

    func report(_ name: String, _ value: Double, _ unit: String, baseline: String? = nil) {
        var figure = Figure(name: name, value: value, unit: unit, baseline: baseline)
        let known = lock.withLock { figures.last { $0.name == baseline } }
        if let known {
            figure.baselineValue = known.value
            figure.ratio = known.value == 0 ? nil : value / known.value
        }
        lock.withLock { figures.append(figure) }
        var line = "\(name) \(Self.shown(value)) \(unit)"
        if let known {
            line += "   (baseline \(known.name) \(Self.shown(known.value)) \(known.unit)"
            line += figure.ratio.map { ", \(String(format: "%.2f", $0))x)" } ?? ")"
        }
        FileHandle.standardOutput.write(Data("\(line)\n".utf8))
    }

    static func shown(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
    }

    /// The figures, and the machine they were measured on.
    func writeJSON(to url: URL, machine: [String: String]) throws {
        struct Report: Codable {
            var machine: [String: String]
            var figures: [Figure]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Report(machine: machine, figures: lock.withLock { figures })).write(to: url)
    }
}

enum Bench {
    /// A product built beside this benchmark (`gw`, `gw-model-sim`, `gw-agent-sim`).
    static func product(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Wall time of `body` in milliseconds.
    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    static func shell(_ script: String, in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GatewayError("bench setup failed: \(script)") }
    }

    /// Runs a command to completion, output discarded; throws when it fails.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GatewayError("\(executable) \(arguments.joined(separator: " ")) failed") }
    }
}
