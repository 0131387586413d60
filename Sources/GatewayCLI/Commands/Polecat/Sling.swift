import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayWork

struct Sling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sling",
        abstract: "Hand a task to a new polecat: its own worktree of the rig, its own agent in tmux, its own hook.",
        discussion: """
            Without --wait the polecat starts (or queues while [polecats] max are working) and the command returns; \
            `gw polecat list` or the daemon finishes it when its turn ends. With --wait this command drives it to the end \
            and prints the result.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The task, or - to read it from stdin (optional with --formula).") var text: String?
    @Option(help: "The rig the polecat works in.") var rig: String
    @Option(help: "A formula whose rendered prompt is the task (the text, if given, follows it).") var formula: String?
    @Option(name: .customLong("var"), help: ArgumentHelp("A formula variable; repeat for each.", valueName: "name=value"))
    var variables: [String] = []
    @Option(help: "The agent profile the polecat runs (default: [polecats] agent, else the Mayor's).") var agent: String?
    @Flag(help: "Wait for the polecat to finish and print its result; exit non-zero if it failed.") var wait = false
    @Option(help: "With --wait: how long before the polecat is failed, like 90s or 30m.") var timeout: String = "30m"

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        guard let limit = ConfigDuration(parsing: timeout) else {
            throw GatewayError.usage("--timeout \"\(timeout)\" is not a duration: write it like 90s, 10m or 1h")
        }
        let task = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
        if !variables.isEmpty && formula == nil { throw GatewayError.usage("--var needs --formula NAME") }
        let request = SlingRequest(rig: rig, text: task, formula: formula, variables: try FormulaArguments.parse(variables), profile: agent)
        let supervisor = PolecatSupervisor(environment: environment, town: town, config: config)
        var polecat = try await supervisor.sling(request)
        if wait { polecat = try await supervisor.wait(for: polecat.id, timeout: limit.seconds) }
        let view = try await PolecatView.load(polecat, town: town)
        if format.json {
            environment.output.line(try JSONOutput.render(view))
        } else if wait {
            PolecatView.printDetail(view, to: environment.output)
        } else {
            var placement = polecat.state == .queued ? "queued (\(config.polecats.max) polecats are working)" : "started in \(polecat.worktree ?? "-")"
            if polecat.state == .queued, let pause = try await supervisor.budgetPause(try environment.ledger(town)) {
                placement = "queued: \(pause.description) is reached, so slings wait until \(UsageCommand.stamp(pause.until, zone: config.heartbeat.timeZone())) (`gw budget resume` lifts it)"
            }
            environment.output.line("Polecat \(polecat.displayName) \(placement); convoy \(polecat.convoyId). `gw polecat show \(polecat.name ?? "#\(polecat.id)")` follows it.")
        }
        if wait, polecat.state == .failed { throw GatewayError("polecat \(polecat.displayName) failed: \(polecat.error ?? "no reason recorded")") }
    }
}
