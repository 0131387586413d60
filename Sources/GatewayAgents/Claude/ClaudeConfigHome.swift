import Foundation

/// Where Claude Code keeps its state for one environment: `$CLAUDE_CONFIG_DIR` when set (everything,
/// `.claude.json` included, lives inside it), else the home folder (`~/.claude.json`, `~/.claude/`).
public struct ClaudeConfigHome: Sendable, Equatable {
    /// `CLAUDE_CONFIG_DIR`, when set.
    public var configDirectory: URL?
    public var home: URL

    public init(configDirectory: URL?, home: URL) {
        self.configDirectory = configDirectory
        self.home = home
    }

    /// Reads `CLAUDE_CONFIG_DIR` and `HOME` from the given variables.
    public init(variables: [String: String]) {
        let configured = variables["CLAUDE_CONFIG_DIR"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        let home = variables["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        self.init(configDirectory: configured, home: home)
    }

    /// The account file Claude reads at start: onboarding, trusted folders, approved API keys.
    public var accountFile: ClaudeAccountFile {
        ClaudeAccountFile(url: (configDirectory ?? home).appendingPathComponent(".claude.json"))
    }

    /// The root of transcripts: `<config dir>/projects`, else `~/.claude/projects`.
    public var projectsDirectory: URL {
        (configDirectory ?? home.appendingPathComponent(".claude")).appendingPathComponent("projects")
    }
}

/// The environment that points Claude Code at a model server on loopback (such as gw-model-sim)
/// instead of Anthropic, with no account, no update checks and no side traffic.
public struct ClaudeLocalModel: Sendable, Equatable {
    public var baseURL: String
    /// Any string works for a local server; tests pre-approve it with `ClaudeAccountFile`.
    public var apiKey: String
    /// A private config folder, so the user's own Claude setup is never touched.
    public var configDirectory: URL?

    public init(baseURL: String, apiKey: String, configDirectory: URL?) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.configDirectory = configDirectory
    }

    public var environment: [String: String] {
        var variables = [
            "ANTHROPIC_BASE_URL": baseURL,
            "ANTHROPIC_API_KEY": apiKey,
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
        ]
        if let configDirectory { variables["CLAUDE_CONFIG_DIR"] = configDirectory.path }
        return variables
    }
}
