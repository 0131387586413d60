import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayUsage

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Tokens the agents' conversations used, with an estimated cost, and what the budgets pause.",
        discussion: "Read from the agents' transcripts: silent heartbeat turns count too. Cache reads are shown but not counted against a token budget.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption
    @Option(help: "From when: a day like 2026-12-01 (midnight in the heartbeat's time zone), \"2026-12-01 18:00\", or a span like 7d. Default: the start of this month.")
    var since: String?
    @Option(help: "Group by day, source, task or agent.") var by: String = "day"

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        guard let grouping = UsageReport.Grouping(rawValue: by) else {
            throw GatewayError.usage("--by \"\(String(PlainText.singleLine(by).prefix(40)))\" is not a grouping: use day, source, task or agent")
        }
        let config = try town.loadConfig()
        let zone = config.heartbeat.timeZone()
        let now = environment.clock.now()
        let start = try since.map { try UsageDate.parse($0, zone: zone, now: now, direction: .past, option: "--since") }
            ?? BudgetGate(settings: config.budget, prices: config.usage.prices, zone: zone).periods(at: now).month.start
        let report = try await UsageReport.make(environment: environment, town: town, ledger: try environment.ledger(town), config: config, since: start, by: grouping)
        if json.json { return environment.output.line(try JSONOutput.render(report)) }
        environment.output.line(Self.render(report, zone: zone))
    }

    static func render(_ report: UsageReport, zone: TimeZone) -> String {
        var lines = ["Usage since \(Self.stamp(report.since, zone: zone)), by \(report.grouping.rawValue):"]
        let header = ["", "turns", "input", "cache write", "cache read", "output", "counted", "cost (est.)"]
        var table = [header]
        for group in report.groups + [report.total] {
            table.append([group.key, String(group.turns.count), BudgetGate.count(group.tokens.input), BudgetGate.count(group.tokens.cacheWrite),
                          BudgetGate.count(group.tokens.cacheRead), BudgetGate.count(group.tokens.output),
                          BudgetGate.count(group.tokens.counted), BudgetGate.dollars(group.estimatedCostUSD)])
        }
        if report.groups.isEmpty { lines.append("  No usage recorded in this period.") }
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            lines.append("  " + row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  "))
        }
        if report.paused.isEmpty {
            lines.append("Budgets: nothing paused.")
        } else {
            for pause in report.paused {
                lines.append("Paused: \(pause.source), \(pause.because) reached; until \(Self.stamp(pause.until, zone: zone)). `gw budget resume` lifts it.")
            }
        }
        if let until = report.budgetResumedUntil { lines.append("Budgets resumed by hand until \(Self.stamp(until, zone: zone)).") }
        if !report.beats.isEmpty {
            let prompt = report.beats.reduce(0) { $0 + $1.promptChars }, tasks = report.beats.reduce(0) { $0 + $1.taskChars }
            let share = prompt > 0 ? Int((Double(prompt - tasks) / Double(prompt) * 100).rounded()) : 0
            lines.append("Heartbeat prompts (\(report.beats.count) beats): the tasks' own text \(BudgetGate.count(tasks / report.beats.count)) characters a beat, "
                         + "what Gateway adds around it \(BudgetGate.count((prompt - tasks) / report.beats.count)) (\(share)% of the prompt); "
                         + "priming at each session start \(BudgetGate.count(report.primingChars)). `--json` lists each beat.")
        }
        lines += report.notes.map { "Note: " + $0 }
        return lines.joined(separator: "\n")
    }

    static func stamp(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
            + " " + (zone.abbreviation(for: date) ?? zone.identifier)
    }
}

struct BudgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget", abstract: "What the budgets pause, and lifting a pause by hand.",
        subcommands: [BudgetStatusCommand.self, BudgetResumeCommand.self], defaultSubcommand: BudgetStatusCommand.self)
}

struct BudgetStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "What the budgets pause now, and until when.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let status = try await BudgetCheck(environment: environment, config: config).status(ledger: try environment.ledger(town))
        if json.json {
            struct Shape: Encodable { var paused: [UsageReport.Pause]; var resumedUntil: Date?; var configured: Bool }
            return environment.output.line(try JSONOutput.render(Shape(paused: status.pauses, resumedUntil: status.resumedUntil, configured: !config.budget.isEmpty)))
        }
        let zone = config.heartbeat.timeZone()
        if config.budget.isEmpty { return environment.output.line("No budget is set: add [budget] to gateway.toml (see `gw usage` for what is spent).") }
        if status.pauses.isEmpty { environment.output.line("Nothing is paused.") }
        for pause in status.pauses {
            environment.output.line("Paused: \(pause.source), \(pause.because) reached; until \(UsageCommand.stamp(pause.until, zone: zone)).")
        }
        if let until = status.resumedUntil { environment.output.line("Resumed by hand until \(UsageCommand.stamp(until, zone: zone)).") }
    }
}

struct BudgetResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Lift the budgets' pauses: until they would lift by themselves, or until --until.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Until when: a day like 2026-12-31, \"2026-12-31 18:00\", or a span like 2h.") var until: String?

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let zone = config.heartbeat.timeZone()
        let end = try until.map { try UsageDate.parse($0, zone: zone, now: environment.clock.now(), direction: .future, option: "--until") }
        let resumed = try await BudgetCheck(environment: environment, config: config).resume(ledger: try environment.ledger(town), until: end)
        environment.output.line("Budgets resumed: nothing pauses for them until \(UsageCommand.stamp(resumed, zone: zone)).")
        // A running daemon looks again now: a skipped beat's tasks are due, a sling waits.
        if DaemonPidFile.runningPid(town) != nil { DaemonDoorbell(town: town).ring(.budget) }
    }
}
