import Foundation
import Logging
import Testing
import GatewayCore
import GatewayKit
import GatewayAgents

/// A town for a test: the one place tests install a town, write its config, run `gw` on it and clean
/// up. It is the real world in a temporary folder — the real installer, git, tmux, HTTP and `gw` — with
/// the system clock unless `clock:` says otherwise. Options compose:
///
/// - `agent`: what the Mayor (and polecats) run — the installed default, never started; gw-agent-sim with
///   rules; or the real Claude Code against a gw-model-sim the town starts.
/// - `config`: gateway.toml text merged table by table into the installed file (`TownConfigEdit`);
///   presets such as `TestTown.quickMayor` and `TestTown.quickDaemon` are just such text.
/// - `heartbeat`: HEARTBEAT.md. `variables`: more for gw (in this process and as a child).
/// - `installed: false` makes a bare folder with only the runtime folder and the config given — no git,
///   no hooks — for tests of what reads only those (the outbox, a heartbeat preview).
///
/// HOME and CLAUDE_CONFIG_DIR point inside the folder, so nothing reads the user's own; tmux runs on the
/// town's own socket. `close()` — call it in a `defer`; deinit calls it too — kills that tmux server and
/// the model double.
public final class TestTown: @unchecked Sendable {
    public enum Agent: Sendable {
        /// The installed config's agent (Claude Code); the test never starts it.
        case installed
        /// gw-agent-sim (profile `sim`), the terminal double, answering from `rules`; `oldVersion` drops
        /// the newer hook fields.
        case sim(rules: String? = nil, oldVersion: Bool = false)
        /// The real Claude Code at this path, talking to a gw-model-sim the town starts with `rules`.
        /// `approveKey` false leaves the API key unapproved, so Claude asks about it.
        case claude(URL, rules: String? = nil, approveKey: Bool = true)
    }

    public let directory: TemporaryDirectory
    public let town: Town
    /// HOME for gw and the agents, empty: no git identity, no tmux or Claude settings of the user's.
    public let home: URL
    /// CLAUDE_CONFIG_DIR for gw and the agents.
    public let configDirectory: URL
    /// Where the agent's rules are written, when it has any.
    public let rulesFile: URL
    /// The model double the real Claude Code talks to.
    public let model: ModelSimProcess?
    /// Any key works for gw-model-sim; it is unique so approval by suffix is really exercised.
    public let apiKey = "sk-gw-test-\(UUID().uuidString)"
    /// What gw runs with, in this process and as a child: PATH, HOME, CLAUDE_CONFIG_DIR and the test's.
    public let variables: [String: String]
    /// For calls into the kit: real processes, the town's variables, its root as working directory.
    public let environment: GatewayEnvironment
    /// What `environment` printed.
    public let output: CapturedOutput
    /// What `environment` logged, at every level.
    public let capturedLog = CapturedLog()
    private let lock = NSLock()
    private var closed = false

    /// `path` is the town's folder below the temporary one (it may hold `/`).
    public init(_ agent: Agent = .installed, config: String..., heartbeat: String? = nil, agentArgs: [String] = [],
                variables extra: [String: String] = [:], clock: any WallClock = SystemWallClock(),
                path: String = "town", installed: Bool = true) async throws {
        directory = TemporaryDirectory("gw-town")
        home = directory.path("home")
        configDirectory = directory.path("claude-config")
        rulesFile = directory.path("rules.toml")
        for folder in [home, configDirectory] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        var variables = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "CLAUDE_CONFIG_DIR": configDirectory.path,
            // A child gw inherits the test's variables: none of the double's may leak in.
            "GW_SIM_RULES": "",
        ]
        variables.merge(extra) { _, new in new }
        self.variables = variables

        let root = directory.path(path)
        if installed {
            let (installer, _) = GatewayEnvironment.test(workingDirectory: directory.url, variables: variables, clock: clock, processes: .live)
            guard case .created(let town) = try await TownInstaller(environment: installer).install(at: root, name: nil, force: false) else {
                throw GatewayError("the test town at \(root.path) was not created")
            }
            self.town = town
        } else {
            town = Town(root: root)
            try FileManager.default.createDirectory(at: town.runtimeDirectory, withIntermediateDirectories: true)
        }
        var (environment, output) = GatewayEnvironment.test(workingDirectory: town.root, variables: variables, clock: clock, processes: .live,
                                                             http: .live)
        let log = capturedLog
        environment.logger = Logger(label: "gw-test") { _ in CapturingLogHandler(log: log) }
        self.environment = environment
        self.output = output

        var settings = config
        switch agent {
        case .installed:
            model = nil
        case .sim(let rules, let oldVersion):
            model = nil
            if let rules { try rules.write(to: rulesFile, atomically: true, encoding: .utf8) }
            var env = ["CLAUDE_CONFIG_DIR": configDirectory.path, "HOME": home.path, "GW_SIM_RULES": rules == nil ? "" : rulesFile.path]
            if oldVersion { env["GW_SIM_OLD_VERSION"] = "1" }
            settings.insert("[mayor]\nagent = \"sim\"\n\n" + Self.profile("sim", env: env, args: agentArgs), at: 0)
        case .claude(let binary, let rules, let approveKey):
            let model = try await ModelSimProcess(rules: rules, in: directory.url)
            self.model = model
            settings.insert("[mayor]\nagent = \"claude\"", at: 0)
            settings.insert(try claudeProfile(binary, model: model, args: agentArgs, approveKey: approveKey), at: 1)
        }
        if !settings.isEmpty { try configure(settings.joined(separator: "\n")) }
        if let heartbeat { try heartbeat.write(to: town.heartbeatFile, atomically: true, encoding: .utf8) }
    }

    deinit { close() }

    /// The profile `[agents.NAME]` with its variables, arguments and command.
    private static func profile(_ name: String, env: [String: String], args: [String], command: String? = nil) -> String {
        var lines = ["[agents.\(name)]"]
        if let command { lines.append("command = \(quoted(command))") }
        lines.append("env = { \(env.sorted { $0.key < $1.key }.map { "\($0.key) = \(quoted($0.value))" }.joined(separator: ", ")) }")
        if !args.isEmpty { lines.append("args = [\(args.map(quoted).joined(separator: ", "))]") }
        return lines.joined(separator: "\n")
    }

    /// The profile `[agents.claude]`: the real Claude Code at `binary` talking to `model`, with the town's
    /// HOME and config folder, where onboarding is done and the key approved (unless `approveKey` is
    /// false), as a person who set Claude up would have it; the folder trust is Gateway's to do.
    public func claudeProfile(_ binary: URL, model: ModelSimProcess, args: [String] = [], approveKey: Bool = true) throws -> String {
        var changes: [ClaudeAccountEdit] = [.completeOnboarding]
        if approveKey { changes.append(.approveAPIKey(apiKey)) }
        try ClaudeConfigHome(configDirectory: configDirectory, home: home).accountFile.apply(changes)
        var env = ClaudeLocalModel(baseURL: model.baseURL, apiKey: apiKey, configDirectory: configDirectory).environment
        env["HOME"] = home.path
        return Self.profile("claude", env: env, args: args, command: binary.path)
    }

    /// `text` as a TOML basic string.
    public static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Merges `toml` into gateway.toml table by table (`TownConfigEdit`) and writes it atomically, as a
    /// running daemon expects a config to change.
    public func configure(_ toml: String) throws {
        let current = FileManager.default.fileExists(atPath: town.configFile.path) ? try String(contentsOf: town.configFile, encoding: .utf8) : ""
        try TownConfigEdit.merge(toml, into: current).write(to: town.configFile, atomically: true, encoding: .utf8)
    }

    /// The town's config as gw reads it.
    public var config: GatewayConfig { get throws { try town.loadConfig() } }

    /// The town's ledger, opened afresh (as another process would).
    public func ledger() throws -> Ledger { try Ledger(file: town.ledgerFile) }

    /// Runs `body` on an open ledger and closes it afterwards, so the file can be changed or damaged with
    /// no connection (and no WAL) left over.
    public func withClosedLedger<T>(_ body: (Ledger) async throws -> T) async throws -> T {
        let ledger = try ledger()
        let value = try await body(ledger)
        try await ledger.close()
        return value
    }

    /// Kills the town's tmux server (every agent with it) and the model double; once, however often called.
    public func close() {
        let first = lock.withLock {
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        // Blocking, briefly: close() runs in a `defer` or deinit, which cannot await.
        if let result = try? LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket, "kill-server"])), !result.succeeded, !result.stderr.contains("no server running"),
           !result.stderr.contains("error connecting") {
            print("could not stop tmux server \(town.tmuxSocket): \(result.stderr)")
        }
        model?.stop()
    }
}
