import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayHeartbeat
import GatewayUsage

struct HeartbeatNowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "now", abstract: "Wake the Mayor now with the heartbeat's tasks (all, or those named), whatever the schedule says.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("task"), help: "Only this task (repeatable).") var tasks: [String] = []
    @Flag(help: "Wait for the reply and print what became of each task.") var wait = false
    @Option(help: "How long to wait, like 90s or 10m.") var timeout: String = "10m"

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        guard let limit = ConfigDuration(parsing: timeout) else {
            throw GatewayError.usage("--timeout \"\(timeout)\" is not a duration: write it like 90s, 10m or 1h")
        }
        let runner = BeatRunner(environment: environment, town: town, startedAt: environment.clock.now())
        let (beatId, skipped) = try await runner.runNow(tasks: tasks)
        guard let beatId else {
            return environment.output.line("No beat: \(skipped ?? "nothing is due"). No agent call was made.")
        }
        environment.output.line("Beat \(beatId) sent to the Mayor.")
        // A running daemon delivers the turn (its broker was poked) and handles the reply: wake its scheduler.
        if DaemonPidFile.runningPid(town) != nil { DaemonDoorbell(town: town).ring(.heartbeat) }
        guard wait else { return }
        let report = try await HeartbeatWaiter(environment: environment, town: town, runner: runner)
            .waitForBeat(beatId, timeout: limit.seconds)
        environment.output.line(report.text)
        if report.failed { throw GatewayError("beat \(beatId) failed: \(report.summary)") }
    }
}

struct HeartbeatHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The most recent beats, run or skipped, and why.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Option(help: "How many beats.") var limit: Int = 20

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let ledger = try Ledger(file: town.ledgerFile)
        let beats = try await ledger.heartbeatHistory(limit: limit)
        var runs: [Int64: HeartbeatRun] = [:]
        for beat in beats { runs[beat.id] = try await ledger.heartbeatRun(beatId: beat.id) }
        // What each beat cost, as read from the Mayor's transcript so far (silent beats count too).
        _ = try? await UsageCollector(environment: environment).collect(ledger: ledger)
        let tokens = try await ledger.usage(ofTurns: runs.values.map(\.turnId))
        if format.json {
            let rows = beats.map { beat in
                HistoryRow(beat: beat, summary: runs[beat.id]?.summary, convoy: runs[beat.id]?.convoyId,
                           tokens: runs[beat.id].flatMap { tokens[$0.turnId] })
            }
            return environment.output.line(try JSONOutput.render(rows))
        }
        if beats.isEmpty { return environment.output.line("No beats yet.") }
        let formatter = ISO8601DateFormatter()
        for beat in beats {
            let what = beat.outcome == "ran"
                ? "ran \(beat.tasks.joined(separator: ", "))" + (runs[beat.id]?.summary.map { " — \($0)" } ?? " — waiting for the reply")
                : "skipped: \(beat.detail ?? beat.skipReason ?? "")"
            let cost = runs[beat.id].flatMap { tokens[$0.turnId] }.map {
                "\t\(BudgetGate.count($0.counted)) tokens" + ($0.cacheRead > 0 ? " (+\(BudgetGate.count($0.cacheRead)) cache reads)" : "")
            } ?? ""
            environment.output.line("\(beat.id)\t\(formatter.string(from: beat.time))\t\(what)\(cost)")
        }
    }

    struct HistoryRow: Encodable {
        var beat: BeatRecord
        var summary: String?
        var convoy: Int64?
        /// The beat's tokens; nil while none are recorded (a beat skipped, or its answer still coming).
        var tokens: TokenCounts?
    }
}

struct HeartbeatStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "When the next beat is due, and how the last one went.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let status = try await HeartbeatStatusReader(environment: environment, town: town).read()
        if format.json { return environment.output.line(try JSONOutput.render(status)) }
        var lines = ["Heartbeat: \(status.every.map { "every \($0)" } ?? "off")"]
        if let next = status.nextBeat { lines.append("  next beat  \(next)") }
        lines.append("  daemon     \(status.daemonRunning ? "running" : "not running — beats run only with `gw daemon start` (or `gw heartbeat now`)")")
        if let last = status.lastBeat { lines.append("  last beat  \(last)") }
        environment.output.line(lines.joined(separator: "\n"))
    }
}
