import Foundation
import GatewayCore
import GatewayHooks

/// Everything about one agent of a town that Gateway needs to run it: where it works, its tmux session,
/// its generated settings, and the command line that starts or resumes it.
public struct AgentRuntime: Sendable {
    public let environment: GatewayEnvironment
    public let town: Town
    public let settings: AgentSettings
    public let name: String
    public let profile: AgentProfile
    /// The folder the agent works in (the Mayor: its hook, `<town>/mayor`).
    public let directory: URL

    public init(environment: GatewayEnvironment, town: Town, settings: AgentSettings, name: String, profile: AgentProfile, directory: URL) {
        self.environment = environment
        self.town = town
        self.settings = settings
        self.name = name
        self.profile = profile
        self.directory = directory
    }

    /// The Mayor of a town, with the profile `[mayor] agent` names.
    public static func mayor(environment: GatewayEnvironment, town: Town, settings: AgentSettings) -> AgentRuntime {
        AgentRuntime(environment: environment, town: town, settings: settings, name: "mayor",
                     profile: settings.profile(settings.mayor.agent), directory: town.mayorDirectory)
    }

    public var tmux: Tmux { Tmux(socket: town.tmuxSocket) }
    /// The tmux session is named after the agent.
    public var session: String { name }
    public var runtimeDirectory: URL { town.runtimeDirectory.appendingPathComponent("agents").appendingPathComponent(name) }
    public var settingsFile: URL { runtimeDirectory.appendingPathComponent("settings.json") }
    /// The MCP config registering `gw mcp serve` (the Mayor's memory tools), passed with `--mcp-config`.
    public var mcpConfigFile: URL { runtimeDirectory.appendingPathComponent("mcp.json") }
    /// The Mayor on a hook-speaking agent gets Gateway's MCP tools.
    public var servesGatewayTools: Bool { name == Hook.mayor && profile.completion == .hooks }
    public var deliveryLock: URL { runtimeDirectory.appendingPathComponent("deliver.lock") }
    public var lifecycleLock: URL { runtimeDirectory.appendingPathComponent("lifecycle.lock") }
    public var lastScreenFile: URL { runtimeDirectory.appendingPathComponent("last-screen.txt") }

    public func openLedger() throws -> Ledger { try environment.ledger(town) }

    /// The variables the agent (and every hook it runs) starts with: an allowlist of Gateway's own
    /// (`AgentEnvironment`), the profile's `pass_env` and `env`, never one of Gateway's secrets.
    public var agentEnvironment: [String: String] { builtEnvironment.variables }

    /// The agent's variables and those withheld from it because they are, or hold, a secret.
    public var builtEnvironment: (variables: [String: String], withheld: [AgentEnvironment.Withheld]) {
        AgentEnvironment.build(inherited: environment.variables, passEnv: profile.passEnv, profileEnv: profile.env,
                               fixed: ["GW_TOWN": town.root.path, "GW_AGENT": name, "PATH": agentPath],
                               secrets: settings.secrets(variables: environment.variables, root: town.root))
    }

    /// What the tmux client that may start the town's server runs with. The server copies its starter's
    /// whole environment into its global environment, which every pane inherits — so the starter gets
    /// the allowlist and every profile's `pass_env`, never a secret. The `pass_env` variables must be
    /// there: tmux's pane-died hook runs `gw agent-died` in that environment, and the agent it restarts
    /// would otherwise lose them. tmux also gives a new pane the client's PATH: the agents' PATH.
    public var tmuxClientEnvironment: [String: String] {
        let passEnv = Set(settings.profiles.values.flatMap(\.passEnv)).sorted()
        return AgentEnvironment.build(inherited: environment.variables, passEnv: passEnv, profileEnv: [:], fixed: ["PATH": agentPath],
                                      secrets: settings.secrets(variables: environment.variables, root: town.root)).variables
    }

    /// Our PATH behind the git that waits for Gateway's hook commits (`AgentGit`). A tmux server started
    /// earlier keeps the PATH it started with, so the agent is always given it explicitly.
    var agentPath: String { AgentGit(town: town).path(prepending: environment.variables["PATH"]) }

    /// Claude Code's account and transcripts for this agent: the profile's CLAUDE_CONFIG_DIR, else ours.
    public var claudeHome: ClaudeConfigHome {
        ClaudeConfigHome(variables: environment.variables.merging(profile.env) { _, profileValue in profileValue })
    }

    /// Where the agent's transcript for `sessionId` is written.
    public func transcriptPath(sessionId: String) -> URL {
        TranscriptReader.path(configDirectory: claudeHome.projectsDirectory.deletingLastPathComponent(), cwd: directory.path, sessionId: sessionId)
    }

    /// The program to run: a bare name on PATH, the doubles beside `gw`, or a path.
    public func resolvedCommand() throws -> String {
        let command = profile.command
        if command.contains("/") { return command }
        let besideGateway = URL(fileURLWithPath: environment.executablePath).deletingLastPathComponent().appendingPathComponent(command).path
        if command.hasPrefix("gw-"), FileManager.default.isExecutableFile(atPath: besideGateway) { return besideGateway }
        if let found = ExecutableLookup.find(command, path: agentPath) { return found }
        let hint = profile.name == "claude"
            ? "install Claude Code (it must be on PATH as `claude`), or run the Mayor on the test double with [mayor] agent = \"sim\""
            : "install it, or set [agents.\(profile.name)] command to its full path"
        throw GatewayError("the \(profile.name) agent's command `\(command)` was not found on PATH: \(hint)")
    }

    /// The argv that starts the agent in a new conversation or resumes `sessionId`.
    public func launchArguments(sessionId: String, resume: Bool) throws -> [String] {
        var argv = [try resolvedCommand()] + profile.args
        guard profile.completion == .hooks else { return argv }
        argv += ["--settings", settingsFile.path]
        if servesGatewayTools { argv += ["--mcp-config", mcpConfigFile.path] }
        if let mode = profile.permissionMode { argv += ["--permission-mode", mode] }
        // A polecat works in a rig's worktree, its hook elsewhere; Claude reads outside its folder only
        // with leave, and a prompt too large to type waits in the hook's inbox for it to read.
        let hook = Hook.worktree(for: name, in: town)
        if hook.standardizedFileURL != directory.standardizedFileURL { argv += ["--add-dir", hook.path] }
        argv += resume ? ["--resume", sessionId] : ["--session-id", sessionId]
        return argv
    }
}
