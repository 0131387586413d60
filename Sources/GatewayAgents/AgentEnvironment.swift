import Foundation
import GatewayCore

/// The environment an agent starts with, built from an allowlist rather than inherited whole: `gw`
/// usually runs with bot tokens, SMTP passwords and webhook headers exported, and an agent (or a prompt
/// injected into one) can read everything in its own environment.
public enum AgentEnvironment {
    /// Passed when set: what a shell, git, ssh, proxies and the agent CLI need to work.
    public static let names: Set<String> = [
        "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TERM", "TZ", "TMPDIR", "SSH_AUTH_SOCK",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
        // Claude Code's own settings, and the Vertex variables outside its prefixes.
        "CLAUDE_CONFIG_DIR", "CLOUD_ML_REGION", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT",
        "NODE_EXTRA_CA_CERTS", "MAX_THINKING_TOKENS", "MCP_TIMEOUT", "MCP_TOOL_TIMEOUT", "MAX_MCP_OUTPUT_TOKENS",
        "BASH_DEFAULT_TIMEOUT_MS", "BASH_MAX_TIMEOUT_MS", "BASH_MAX_OUTPUT_LENGTH", "USE_BUILTIN_RIPGREP",
        // Where tmux keeps the town's socket: the agent's hooks call `gw`, which must find it.
        "TMUX_TMPDIR",
    ]

    /// Passed when a variable starts with one of these: locales, and the families the agent CLI reads
    /// (API endpoints and keys, Claude Code switches, Bedrock's AWS credentials, Vertex regions).
    public static let prefixes = ["LC_", "ANTHROPIC_", "CLAUDE_CODE_", "DISABLE_", "AWS_", "VERTEX_REGION_"]

    /// Whether the allowlist (without `pass_env`) takes `name`.
    public static func allows(_ name: String) -> Bool {
        names.contains(name) || prefixes.contains { name.hasPrefix($0) }
    }

    /// A variable kept from an agent although something asked for it, for the warning.
    public struct Withheld: Sendable, Equatable {
        public var variable: String
        /// The secret it is or holds (its variable or config key, never its value).
        public var secret: String
    }

    /// The agent's variables: the allowlisted and `pass_env` ones from `inherited`, then the profile's
    /// own `env`, then `fixed` (GW_TOWN, GW_AGENT, PATH). Any of them that is, or holds the value of,
    /// one of Gateway's secrets is left out — whatever name it goes by — and reported.
    public static func build(inherited: [String: String], passEnv: [String], profileEnv: [String: String],
                             fixed: [String: String], secrets: GatewaySecrets) -> (variables: [String: String], withheld: [Withheld]) {
        var variables: [String: String] = [:]
        for (name, value) in inherited where allows(name) || passEnv.contains(name) { variables[name] = value }
        variables.merge(profileEnv) { _, profile in profile }
        var withheld: [Withheld] = []
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            if let secret = secrets.forbids(name, value: value) {
                variables[name] = nil
                withheld.append(Withheld(variable: name, secret: secret.label))
            }
        }
        variables.merge(fixed) { _, mine in mine }
        return (variables, withheld)
    }
}
