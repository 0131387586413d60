import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents
import GatewayWork

/// Called by an agent's hooks, with the hook's JSON on stdin; GW_TOWN and GW_AGENT come from the
/// environment Gateway started the agent with.
struct AgentEvent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-event", abstract: "Record an agent hook event (JSON on stdin); called by the agent's hooks.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The hook event: \(HookEventName.installed.map(\.rawValue).joined(separator: ", ")).")) var event: String
    @Option(help: "The agent (default: GW_AGENT).") var agent: String?

    func run() async throws {
        try await Self.record(event: event, agent: agent, environment: global.environment, town: global.locateTown)
    }

    /// The command's body, shared with `AgentEventLine`, the early path that skips the command tree.
    static func record(event: String, agent: String?, environment: GatewayEnvironment,
                       town locate: (GatewayEnvironment) throws -> Town) async throws {
        let town = try locate(environment)
        guard let name = agent ?? environment.variables["GW_AGENT"], !name.isEmpty else {
            throw GatewayError.usage("no agent named: pass --agent NAME or set GW_AGENT")
        }
        let payload = HookPayload.read(from: FileHandle.standardInput)
        let result = try await AgentEventRecorder(environment: environment, town: town).record(event: HookEventName(rawValue: event), agent: name, payload: payload)
        if let output = result.output { environment.output.line(output) }
    }
}

/// `gw agent-event EVENT [--agent NAME] [--town DIR] [--verbose]`, read without the command tree
/// (`PlainLine`): Claude Code waits for this command at every hook event.
struct AgentEventLine: Equatable {
    var event: String
    var agent: String?
    var town: String?
    var verbose = false
}

extension AgentEventLine {
    /// nil: not `agent-event`, or spelled in a way only the command tree reads.
    init?(_ arguments: [String]) {
        guard let line = PlainLine(arguments, command: ["agent-event"], words: 1, options: ["--agent", "--town"], flags: ["--verbose"]) else {
            return nil
        }
        self.init(event: line.words[0], agent: line.options["--agent"], town: line.options["--town"], verbose: line.flags.contains("--verbose"))
    }

    func run(environment: GatewayEnvironment?) async throws {
        // A hook's process lives a moment: its ledger is opened on one connection, not a pool.
        let environment = environment ?? .live(logger: Logging.makeLogger(verbose: verbose), ledgers: .gateway(singleConnection: true))
        try await AgentEvent.record(event: event, agent: agent, environment: environment) {
            try TownLocator.locate(flag: town, environment: $0)
        }
    }
}

/// Called by tmux's pane-died hook: fail the turn in flight, then restart the Mayor with backoff or declare a
/// crash loop; a polecat is failed instead (never restarted).
struct AgentDied: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-died", abstract: "Handle an agent's dead pane; called by tmux.", shouldDisplay: false)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The agent.") var agent: String

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        // The turn in flight was failed: a daemon moves on at once (the next turn, a beat's end).
        defer { DaemonDoorbell(town: town).ring(.ended, agent: agent) }
        if agent.hasPrefix(PolecatNames.agentPrefix) {
            // Polecats are never restarted: a dead one is failed, its screen and worktree kept.
            return try await PolecatSupervisor(environment: environment, town: town, config: config).handleDeath(agent: agent)
        }
        guard agent == "mayor" else { return }
        let lifecycle = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config))
        try await AgentReviver(lifecycle: lifecycle).handleDeath()
    }
}
