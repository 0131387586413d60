import Foundation
import GatewayCore

/// How Gateway runs one kind of agent: its command line, and how it learns that a turn was submitted
/// and finished — from Claude-style hooks (reliable) or from the screen (the fallback for other CLIs).
public struct AgentProfile: Sendable, Equatable {
    public enum Completion: String, Sendable, Equatable {
        /// Claude Code's hook contract: UserPromptSubmit, Stop, StopFailure, SessionStart, ….
        case hooks
        /// Idle pattern seen twice with the busy pattern absent; the reply is what the pane added.
        case screen
    }

    public var name: String
    public var command: String
    public var args: [String]
    public var env: [String: String]
    /// Variables of Gateway's own environment passed on beyond the allowlist (`AgentEnvironment`), so no
    /// one has to copy a value into gateway.toml to get it through. Gateway's secrets never pass.
    public var passEnv: [String] = []
    public var completion: Completion
    /// Passed as `--permission-mode` to agents that take it.
    public var permissionMode: String?
    /// Screen patterns (regular expressions) for screen-read agents, and the fallback for hook agents.
    public var idlePattern: String
    public var busyPattern: String
    /// True for presets whose CLIs cannot be installed here: documented as untested.
    public var untested: Bool

    public init(name: String, command: String, args: [String] = [], env: [String: String] = [:], completion: Completion,
                permissionMode: String? = nil, idlePattern: String, busyPattern: String, untested: Bool = false) {
        self.name = name
        self.command = command
        self.args = args
        self.env = env
        self.completion = completion
        self.permissionMode = permissionMode
        self.idlePattern = idlePattern
        self.busyPattern = busyPattern
        self.untested = untested
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }

    /// Claude Code's input line: `❯` and a non-breaking space.
    public static let claudeIdlePattern = "❯\u{00A0}"
    public static let claudeBusyPattern = "esc to interrupt"

    public static let builtIns: [String: AgentProfile] = [
        "claude": AgentProfile(name: "claude", command: "claude", completion: .hooks, permissionMode: "acceptEdits",
                               idlePattern: claudeIdlePattern, busyPattern: claudeBusyPattern),
        "sim": AgentProfile(name: "sim", command: "gw-agent-sim", completion: .hooks, permissionMode: "acceptEdits",
                            idlePattern: claudeIdlePattern, busyPattern: claudeBusyPattern),
        "codex": AgentProfile(name: "codex", command: "codex", completion: .screen,
                              idlePattern: "^\\s*›", busyPattern: "Esc to interrupt|esc to interrupt", untested: true),
        "gemini": AgentProfile(name: "gemini", command: "gemini", completion: .screen,
                               idlePattern: "Type your message", busyPattern: "esc to cancel", untested: true),
    ]

    /// Reads `[agents.NAME]`; a name that matches a built-in starts from it and overrides what is given.
    package static func read(_ name: String, _ table: TableReader) -> AgentProfile {
        let base = builtIns[name] ?? AgentProfile(name: name, command: "", completion: .screen,
                                                  idlePattern: "", busyPattern: "")
        var profile = base
        profile.command = table.string("command", default: base.command)
        profile.args = table.stringArray("args", default: base.args)
        if let env = table.table("env") {
            var values = base.env
            for key in env.keys {
                if let value = env.string(key) { values[key] = value }
            }
            env.finish()
            profile.env = values
        }
        profile.passEnv = table.stringArray("pass_env", default: base.passEnv)
        for name in profile.passEnv where !Self.isVariableName(name) {
            table.problem("pass_env", "\"\(name)\" is not an environment variable name: use letters, digits and _, like pass_env = [\"GITHUB_TOKEN\"]")
        }
        profile.completion = Completion(rawValue: table.choice("completion", ["hooks", "screen"], default: base.completion.rawValue)) ?? base.completion
        profile.permissionMode = table.string("permission_mode") ?? base.permissionMode
        if let mode = profile.permissionMode, !["acceptEdits", "auto", "bypassPermissions", "default", "plan", "dontAsk"].contains(mode) {
            table.problem("permission_mode", "\"\(mode)\" is not a Claude Code permission mode: use \"acceptEdits\" (the default), \"auto\", \"plan\", \"default\" or \"bypassPermissions\" (explicit opt-in)")
        }
        profile.idlePattern = table.string("idle_pattern", default: base.idlePattern)
        profile.busyPattern = table.string("busy_pattern", default: base.busyPattern)
        for (key, pattern) in [("idle_pattern", profile.idlePattern), ("busy_pattern", profile.busyPattern)] where !pattern.isEmpty {
            if (try? NSRegularExpression(pattern: pattern)) == nil {
                table.problem(key, "\"\(pattern)\" is not a valid regular expression")
            }
        }
        if profile.command.isEmpty { table.problem("command", "is required for a new agent profile, like command = \"my-agent\"") }
        if profile.completion == .screen && (profile.idlePattern.isEmpty || profile.busyPattern.isEmpty) {
            table.problem(nil, "a screen-read agent needs idle_pattern and busy_pattern")
        }
        table.finish()
        return profile
    }
}
