import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The fault-injection and soak scenarios (`scripts/faults`). Each runs a few trials by default — the
/// short form `swift test` (and so CI) runs — and its full count with `GW_FAULTS=full`
/// (`scripts/faults --full`). Every scenario ends by reporting one `FaultTally` line and failing on any
/// loss, any failed trial, and any duplicate outside the one window a scenario names.
enum FaultPlan {
    static var isFull: Bool { ProcessInfo.processInfo.environment["GW_FAULTS"] == "full" }

    /// The number of trials: `short` in the short form, `full` with GW_FAULTS=full.
    static func trials(short: Int, full: Int) -> Int { isFull ? full : short }

    /// A random source that prints its seed with the tally, so a failing run can be replayed with
    /// GW_FAULTS_SEED=N.
    static func generator() -> SeededGenerator {
        let seed = ProcessInfo.processInfo.environment["GW_FAULTS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        return SeededGenerator(seed: seed)
    }
}

/// SplitMix64: small, fast and reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What one scenario saw. `failures` counts trials that went wrong in any way other than a loss or a
/// duplicate (a turn not marked failed, a guard that did not trip, a crash, an unclear error); `faults`
/// counts the faults injected; `duplicatedInWindow` is set only by scenarios with a named acceptance
/// window (a kill between a server accepting a message and the ledger recording it), per channel.
struct FaultTally: Sendable {
    let name: String
    var trials = 0
    var failures = 0
    var lost = 0
    var duplicated = 0
    var faults = 0
    var duplicatedInWindow: [String: Int]? = nil
    var seed: UInt64? = nil
    /// What went wrong, for the test's failure message (capped: the first few say enough).
    private(set) var problems: [String] = []

    init(_ name: String) { self.name = name }

    mutating func fail(_ problem: String) {
        failures += 1
        note(problem)
    }

    mutating func lose(_ problem: String, count: Int = 1) {
        lost += count
        note(problem)
    }

    mutating func duplicate(_ problem: String, count: Int = 1) {
        duplicated += count
        note(problem)
    }

    private mutating func note(_ problem: String) {
        if problems.count < 10 { problems.append(problem) }
    }

    /// `name: trials N, failures F, lost L, duplicated D[, duplicated in the acceptance window …]`.
    var line: String {
        var text = "\(name): trials \(trials), failures \(failures), lost \(lost), duplicated \(duplicated)"
        if let window = duplicatedInWindow {
            let perChannel = window.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            text += ", duplicated in the acceptance window (\(perChannel.isEmpty ? "none tried" : perChannel))"
        }
        text += " [faults injected \(faults)"
        if let seed { text += ", seed \(seed)" }
        return text + "]"
    }

    /// Prints the line (prefixed `FAULT `, which `scripts/faults` collects), appends it to
    /// `$GW_FAULTS_REPORT` when set, and records a test issue for every loss, failure or duplicate.
    func finish(sourceLocation: SourceLocation = #_sourceLocation) {
        print("FAULT \(line)")
        if let report = ProcessInfo.processInfo.environment["GW_FAULTS_REPORT"], !report.isEmpty {
            try? FileSystem.append("\(line)\n", to: URL(fileURLWithPath: report))
        }
        let detail = problems.joined(separator: "\n")
        #expect(trials > 0, "\(name) ran no trials", sourceLocation: sourceLocation)
        #expect(lost == 0, "\(line)\n\(detail)", sourceLocation: sourceLocation)
        #expect(duplicated == 0, "\(line)\n\(detail)", sourceLocation: sourceLocation)
        #expect(failures == 0, "\(line)\n\(detail)", sourceLocation: sourceLocation)
    }
}
