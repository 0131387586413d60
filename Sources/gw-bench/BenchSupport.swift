import Foundation
import GatewayKit

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
        SlingBench(),
        DaemonBench(),
        MayorBench(),
    ]
}

/// Prints `name value unit` lines and keeps them for `--json`.
final class BenchReporter: @unchecked Sendable {
    struct Figure: Codable {
        var name: String
        var value: Double
        var unit: String
    }

    private let lock = NSLock()
    private var figures: [Figure] = []

    func report(_ name: String, _ value: Double, _ unit: String) {
        let figure = Figure(name: name, value: value, unit: unit)
        lock.withLock { figures.append(figure) }
        let shown = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
        FileHandle.standardOutput.write(Data("\(name) \(shown) \(unit)\n".utf8))
    }

    func writeJSON(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(lock.withLock { figures }).write(to: url)
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
