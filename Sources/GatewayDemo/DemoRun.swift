import Foundation
import GatewayCore
import GatewayAgents
import GatewayKit
import GatewayWork

/// `gw demo`: Gateway's main job on its built-in default, end to end, in a temporary town: the Mayor
/// (the user's own Claude Code talking to the scripted model double gw-model-sim — no account, no
/// tokens — or the terminal double gw-agent-sim when no Claude Code is installed) is woken by one
/// heartbeat, answers, and Gateway stores the finding in the daily log, commits it, and notifies a
/// console target. Every step is checked; the demo fails if any did not happen. It never touches the
/// user's own Claude configuration: Claude runs with a temporary config home.
public struct DemoRun: Sendable {
    let environment: GatewayEnvironment

    public init(environment: GatewayEnvironment) { self.environment = environment }

    public enum Agent: String, Sendable { case claude, sim }

    public func run(agent requested: Agent?, keep: Bool) async throws {
        let output = environment.output
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-demo-\(UUID().uuidString.prefix(8))").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        var cleanup: [@Sendable () async -> Void] = []
        defer {
            // The agent may still be writing its last files as it exits: try once more after a moment.
            if !keep, (try? FileManager.default.removeItem(at: base)) == nil {
                usleep(500_000)
                try? FileManager.default.removeItem(at: base)
            }
        }
        do {
            try await steps(base: base, requested: requested, cleanup: &cleanup)
        } catch {
            for step in cleanup.reversed() { await step() }
            if keep { output.line("\nKept the demo town at \(base.appendingPathComponent("town").path)") }
            throw error
        }
        for step in cleanup.reversed() { await step() }
        if keep { output.line("\nKept the demo town at \(base.appendingPathComponent("town").path) (the Mayor is stopped).") }
    }

    func steps(base: URL, requested: Agent?, cleanup: inout [@Sendable () async -> Void]) async throws {
        let output = environment.output
        let claude = DemoClaude.find(environment: environment)
        let agent = requested ?? (claude != nil ? .claude : .sim)
        if agent == .claude && claude == nil {
            throw GatewayError("--agent claude needs Claude Code on PATH (or GW_CLAUDE_BIN): install it, or run `gw demo --agent sim`")
        }

        output.line("== 1. A town with a rig and the daily-news heartbeat task")
        guard case .created(let town) = try await TownInstaller(environment: environment)
            .install(at: base.appendingPathComponent("town"), name: "demo", force: false) else {
            throw GatewayError("the demo town already existed")
        }
        let project = try await makeSampleProject(in: base)
        _ = try await RigManager(environment: environment, town: town).add(name: "example", source: project.path)
        try FileSystem.writeAtomically(DemoScript.heartbeat, to: town.heartbeatFile)
        output.line("town \(town.root.path); HEARTBEAT.md has the tasks 每日资讯 and Quiet check")

        output.line("\n== 2. The Mayor")
        // Settings go under the template's own table headers: a TOML table may appear only once.
        var settings = TownConfigEdit(try FileSystem.readText(town.configFile))
        settings.insert(under: "heartbeat", "notify = [\"terminal\"]")
        var extra = "\n[notify.targets.terminal]\nkind = \"console\"\n"
        let modelLog = base.appendingPathComponent("model-sim.jsonl")
        if agent == .claude, let claude {
            let simulator = try await DemoClaude.startModel(environment: environment, base: base, town: town, log: modelLog)
            cleanup.append { simulator.stop() }
            let home = base.appendingPathComponent("claude-config")
            try DemoClaude.prepareHome(home)
            extra += DemoClaude.profile(command: claude, home: home, modelURL: simulator.url)
            output.line("agent: your Claude Code (\(claude)) with a temporary config home, talking to gw-model-sim at \(simulator.url) — a scripted model double: no account, no tokens")
        } else {
            let rules = base.appendingPathComponent("agent-rules.toml")
            try FileSystem.writeAtomically(DemoScript.agentRules(), to: rules)
            settings.insert(under: "mayor", "agent = \"sim\"")
            extra += "\n[agents.sim]\nenv = { GW_SIM_RULES = \(DemoScript.tomlString(rules.path)) }\n"
            output.line("agent: gw-agent-sim, the terminal double of Claude Code (no Claude Code found; install it for the real thing)")
        }
        try FileSystem.writeAtomically(settings.text + extra, to: town.configFile)
        let loaded = try town.loadConfig()
        let mayor = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: loaded))
        cleanup.append { [environment] in
            _ = try? await mayor.stop()
            _ = try? await environment.processes.run(Command("tmux", ["-L", town.tmuxSocket, "kill-server"]))
        }
        _ = try await mayor.start()
        output.line("the Mayor runs in tmux (socket \(town.tmuxSocket)), folder \(town.mayorDirectory.path)")

        try await DemoBeat(environment: environment, town: town, agent: agent, modelLog: modelLog).run()
    }

    /// A small git project to add as a rig, so the demo needs no network.
    private func makeSampleProject(in base: URL) async throws -> URL {
        let project = base.appendingPathComponent("example-project")
        let git = environment.git
        try await git.run(Git.initRepository(project))
        try await git.ensureIdentity(in: project)
        try FileSystem.writeAtomically("# Example project\n\nA project the Gateway demo adds as a rig.\n",
                                       to: project.appendingPathComponent("README.md"))
        try await git.run(Git.add(["README.md"], in: project))
        try await git.run(Git.commit(message: "Start the example project", in: project))
        return project
    }
}

/// Adds lines to a TOML text right under an existing table header.
struct TownConfigEdit {
    var text: String

    init(_ text: String) { self.text = text }

    mutating func insert(under table: String, _ line: String) {
        let header = "\n[\(table)]\n"
        if let range = text.range(of: header) {
            text.replaceSubrange(range, with: header + line + "\n")
        } else {
            text += header + line + "\n"
        }
    }
}
