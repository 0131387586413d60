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
        AgentEventBench(),
        BeatBench(),
        FormulaBench(),
        ConvoyBench(),
        HeartbeatBench(),
        NotifyBench(),
        MemoryBench(),
        HookBench(),
        SlingBench(),
        DaemonBench(),
        HandoffBench(),
        MayorBench(),
        ChatBench(),
    ]
}

/// The target a figure is held to, so each line says where we stand without the reader doing sums.
enum BenchLimit: Sendable {
    /// The value itself, in the figure's unit.
    case atMost(Double)
    /// A multiple of the baseline.
    case timesBaseline(Double)
    /// The baseline plus an allowance, in the figure's unit.
    case baselinePlus(Double)

    func bound(baseline: Double?) -> Double? {
        switch self {
        case .atMost(let value): value
        case .timesBaseline(let factor): baseline.map { $0 * factor }
        case .baselinePlus(let allowance): baseline.map { $0 + allowance }
        }
    }

    func text(unit: String) -> String {
        switch self {
        case .atMost(let value): "≤ \(String(format: "%g", value)) \(unit)"
        case .timesBaseline(let factor): "≤ \(String(format: "%g", factor))x baseline"
        case .baselinePlus(let allowance): "≤ baseline + \(BenchReporter.shown(allowance)) \(unit)"
        }
    }
}

/// Prints `name value unit` lines and keeps them for `--json`. A figure reported with `baseline:` (the
/// name of a floor or baseline figure of the same run, reported before it) also shows that figure and
/// the ratio between them, so a reader on another machine compares like with like; one reported with
/// `limit:` ends with PASS or OVER. OVER never fails the run: the bench reports, it does not gate.
final class BenchReporter: @unchecked Sendable {
    struct Figure: Codable {
        var name: String
        var value: Double?
        var unit: String
        var baseline: String?
        var baselineValue: Double?
        var ratio: Double?
        var limit: String?
        var verdict: String?
        /// Why no value was printed (the conditions the figure is defined under did not hold).
        var refused: String?
    }

    private let lock = NSLock()
    private var figures: [Figure] = []

    func report(_ name: String, _ value: Double, _ unit: String, baseline: String? = nil, limit: BenchLimit? = nil) {
        var figure = Figure(name: name, value: value, unit: unit, baseline: baseline)
        let known = lock.withLock { figures.last { $0.name == baseline && $0.value != nil } }
        if let known, let base = known.value {
            figure.baselineValue = base
            figure.ratio = base == 0 ? nil : value / base
        }
        var line = "\(name) \(Self.shown(value)) \(unit)"
        if let known, let base = known.value {
            line += "   (baseline \(known.name) \(Self.shown(base)) \(known.unit)"
            line += figure.ratio.map { ", \(String(format: "%.2f", $0))x)" } ?? ")"
        }
        if let limit {
            figure.limit = limit.text(unit: unit)
            if let bound = limit.bound(baseline: figure.baselineValue) {
                figure.verdict = value <= bound ? "PASS" : "OVER"
                // A limit relative to the baseline also shows what it comes to in this run.
                let comesTo = if case .atMost = limit { "" } else { " = \(Self.shown(bound)) \(unit)" }
                line += "   limit \(limit.text(unit: unit))\(comesTo): \(figure.verdict!)"
            } else {
                figure.verdict = "NO BASELINE"
                line += "   limit \(limit.text(unit: unit)): no baseline measured"
            }
        }
        lock.withLock { figures.append(figure) }
        Self.write(line)
    }

    /// A figure that is not printed because what it is defined under did not hold; says why.
    func refuse(_ name: String, _ unit: String, because reason: String, limit: BenchLimit? = nil) {
        lock.withLock { figures.append(Figure(name: name, unit: unit, limit: limit?.text(unit: unit), verdict: "REFUSED", refused: reason)) }
        Self.write("\(name) REFUSED: \(reason)")
    }

    /// A line of context (what was checked, where time went), `#`-prefixed so it never reads as a figure.
    func note(_ text: String) { Self.write("# \(text)") }

    static func write(_ line: String) {
        // Unbuffered, so a figure is on disk before a later suite can crash.
        FileHandle.standardOutput.write(Data("\(line)\n".utf8))
    }

    static func shown(_ value: Double) -> String {
        if value.rounded() == value && abs(value) < 1e15 { return String(Int64(value)) }
        return abs(value) >= 100 ? String(format: "%.1f", value) : String(format: "%.3f", value)
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
    static var quick: Bool { ProcessInfo.processInfo.environment["GW_BENCH_QUICK"] == "1" }

    /// A product built beside this benchmark (`gw`, `gw-model-sim`, `gw-agent-sim`, `gw-bench-hello`).
    static func product(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// A fresh temporary folder for one suite (symlinks resolved: git and gw print real paths).
    static func scratch(_ suite: String) throws -> URL {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-\(suite)-\(getpid())").resolvingSymlinksInPath()
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base
    }

    /// An executable on PATH, as a path (posix_spawn does not search PATH).
    static func tool(_ name: String) throws -> String {
        guard let path = ExecutableLookup.find(name) else { throw GatewayError("\(name) is not on PATH: scripts/bench installs it") }
        return path
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

    /// Runs a command to completion; returns its stdout. Throws when it fails. (Not for commands that
    /// leave a daemon behind: Foundation's Process then waits for the daemon.)
    static func output(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GatewayError("\(executable) \(arguments.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Ends a tmux server and waits (up to 5 s) until its panes' processes have exited: an agent writes
    /// its transcript and settings as it exits, which would bring a removed temporary folder back.
    static func killTmuxServer(_ socket: String) {
        guard let tmux = try? tool("tmux") else { return }
        let panes = ((try? output(tmux, ["-L", socket, "list-panes", "-a", "-F", "#{pane_pid}"])) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
        try? run(tmux, ["-L", socket, "kill-server"])
        let deadline = Date().addingTimeInterval(5)
        while panes.contains(where: DaemonPidFile.processExists), Date() < deadline { usleep(50_000) }
    }

    /// Milliseconds from starting `executable` to its exit: posix_spawn and waitpid, as gw starts its own
    /// children, so a command and the floor it is compared with are started the same cheap way. stdin is
    /// `input` (else /dev/null), stdout is discarded; throws when it fails, with its stderr.
    static func timedRun(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                         environment: [String: String] = [:], input: URL? = nil) throws -> Double {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-stderr-\(getpid())")
        var options = SpawnOptions(output: .null, errors: .truncate(errors), directory: directory, environment: environment)
        var inputDescriptor: Int32 = -1
        if let input {
            inputDescriptor = open(input.path, O_RDONLY)
            guard inputDescriptor >= 0 else { throw GatewayError("cannot read \(input.path)") }
            options.input = .descriptor(inputDescriptor)
        }
        defer {
            if inputDescriptor >= 0 { close(inputDescriptor) }
            try? FileManager.default.removeItem(at: errors)
        }
        var status: Int32 = 0
        let elapsed = try milliseconds {
            status = try Spawn.wait(try Spawn.start(executable, arguments, options))
        }
        guard status == 0 else {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw GatewayError("\(executable) \(arguments.joined(separator: " ")) failed (exit \(status)): \(stderr)")
        }
        return elapsed
    }
}
