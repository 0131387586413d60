import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents

/// A temporary town whose Mayor runs the real Claude Code (against a gw-model-sim the town starts) or
/// gw-agent-sim, with short `[mayor]` timings. Everything runs on the town's own tmux socket; `close()`
/// kills that tmux server and the model double — call it in a `defer` so a failing test cleans up too.
final class MayorTestTown: @unchecked Sendable {
    enum Agent {
        /// The real Claude Code binary (GW_CLAUDE_BIN), talking to a gw-model-sim with the rules.
        case claude(URL)
        /// gw-agent-sim (profile `sim`), reading the rules itself; `oldVersion` drops the newer hook fields.
        case sim(oldVersion: Bool)
    }

    let directory = TemporaryDirectory("gw-mayor")
    let town: Town
    let configDirectory: URL
    let home: URL
    let model: ModelSimProcess?
    let apiKey = "sk-gw-test-\(UUID().uuidString)"
    private var closed = false

    /// `mayor` lines are added to `[mayor]` (they override the short defaults below). `approveKey`
    /// false leaves the API key unapproved, so Claude asks about it.
    /// `agentArgs` are the profile's extra arguments (`--allowedTools Bash`, say). `townPath` is the
    /// town's folder below the temporary one (it may hold `/`).
    init(_ agent: Agent, rules: String? = nil, mayor: [String] = [], approveKey: Bool = true, agentArgs: [String] = [],
         townPath: String = "town") async throws {
        town = try await installTown(in: directory, name: townPath)
        configDirectory = directory.path("claude-config")
        home = directory.path("home")
        for folder in [configDirectory, home] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let rulesFile = directory.path("rules.toml")
        if let rules { try rules.write(to: rulesFile, atomically: true, encoding: .utf8) }
        var env = ["CLAUDE_CONFIG_DIR": configDirectory.path, "HOME": home.path]
        let profile: String
        var agentLines: [String] = []
        switch agent {
        case .claude(let binary):
            let model = try ModelSimProcess(rules: rules, in: directory.url)
            self.model = model
            env.merge(ClaudeLocalModel(baseURL: model.baseURL, apiKey: apiKey, configDirectory: configDirectory).environment) { _, new in new }
            profile = "claude"
            agentLines.append("command = \(Self.quoted(binary.path))")
            // Onboarding done and the key approved, as a person who set Claude up would have it; the
            // folder trust is Gateway's to do.
            var changes: [ClaudeAccountEdit] = [.completeOnboarding]
            if approveKey { changes.append(.approveAPIKey(apiKey)) }
            try ClaudeConfigHome(configDirectory: configDirectory, home: home).accountFile.apply(changes)
        case .sim(let oldVersion):
            model = nil
            profile = "sim"
            if rules != nil { env["GW_SIM_RULES"] = rulesFile.path }
            if oldVersion { env["GW_SIM_OLD_VERSION"] = "1" }
        }
        let envTable = env.sorted { $0.key < $1.key }.map { "\($0.key) = \(Self.quoted($0.value))" }.joined(separator: ", ")
        agentLines.append("env = { \(envTable) }")
        if !agentArgs.isEmpty { agentLines.append("args = [\(agentArgs.map(Self.quoted).joined(separator: ", "))]") }
        let mayorLines = ["agent = \"\(profile)\"", "paste_delay = \"300ms\"", "submit_timeout = \"3s\"",
                          "restart_backoff = \"1s\"", "restart_backoff_max = \"2s\"", "crash_loop_restarts = 2",
                          "crash_loop_window = \"5m\""]
        var merged: [String: String] = [:]
        for line in mayorLines + mayor {
            let key = line.split(separator: "=")[0].trimmingCharacters(in: .whitespaces)
            merged[key] = line
        }
        let toml = """
            [town]
            name = "test"

            [mayor]
            \(merged.keys.sorted().map { merged[$0]! }.joined(separator: "\n"))

            [agents.\(profile)]
            \(agentLines.joined(separator: "\n"))
            """
        try toml.write(to: town.configFile, atomically: true, encoding: .utf8)
    }

    deinit { close() }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Runs `gw ARGS --town <town>` in this process; the hooks it installs call the built `gw`.
    func gw(_ arguments: [String]) async -> (code: Int32, stdout: String, stderr: String) {
        await GatewayKitTests.gw(arguments + ["--town", town.root.path], in: directory.url)
    }

    /// Runs `gw` and fails the test, with its output, unless it exits 0.
    @discardableResult
    func gwOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async -> String {
        let result = await gw(arguments)
        #expect(result.code == 0, "gw \(arguments.joined(separator: " ")) exited \(result.code): \(result.stderr)\(result.stdout)\nscreen:\n\(screen())", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The Mayor's runtime as `gw` builds it, for calls into the kit.
    func runtime() throws -> AgentRuntime {
        let (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url)
        return .mayor(environment: environment, town: town, config: try town.loadConfig())
    }

    /// `gw mayor status --json`, decoded.
    func status() async throws -> AgentStatus {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AgentStatus.self, from: Data(await gwOK(["mayor", "status", "--json"]).utf8))
    }

    func ledger() throws -> Ledger { try Ledger(file: town.ledgerFile) }

    func turns() async throws -> [Turn] { try await ledger().recentTurns(agent: "mayor", limit: 100).reversed() }

    /// The events with their names as Claude spells them, as the ledger stores them.
    func events() async throws -> [(id: Int64, event: String, payload: String)] {
        try await ledger().events(agent: "mayor").map { ($0.id, $0.event.rawValue, $0.payload) }
    }

    func agent() async throws -> AgentRecord? { try await ledger().agent("mayor") }

    /// `tmux -L <town socket> ARGS`.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let result = try LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket] + arguments))
        guard result.succeeded else { throw GatewayError("tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdout
    }

    /// The Mayor's screen, or a note saying why there is none.
    func screen() -> String {
        (try? tmux(["capture-pane", "-p", "-J", "-t", "=mayor:"])) ?? "(no Mayor pane)"
    }

    /// The process running in the Mayor's pane.
    func panePID() throws -> pid_t {
        let text = try tmux(["display-message", "-p", "-t", "=mayor:", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text) else { throw GatewayError("no pane pid: \(text)") }
        return pid
    }

    /// Waits (polling: the facts live in other processes) until `probe` returns a value.
    @discardableResult
    func wait<T>(_ what: String, timeout: Double = 60, _ probe: () async throws -> T?) async throws -> T {
        try await pollUntil(what, timeout: timeout, context: { "; screen:\n\(screen())" }, probe)
    }

    /// Waits until `gw mayor status` shows the Mayor idle after its `count`-th restart. Status looks at
    /// the pane, which also lets tmux run a pane-died hook it was slow to run.
    func waitForRestart(_ count: Int) async throws {
        try await wait("restart \(count)") { () -> Bool? in
            let status = try await status()
            return status.restarts == count && status.state == "idle" ? true : nil
        }
    }

    /// Waits until no `gw agent-died` handler of this town's Mayor runs. tmux's pane-died hook starts
    /// one per death, and without a daemon only such a handler restarts the Mayor (after its backoff):
    /// once the handler that declared a crash loop has exited, no restart can come.
    func waitForDeathHandlersToExit() async throws {
        try await wait("the Mayor's death handlers to exit") { () -> Bool? in
            try KernelFacts.anyProcess(commandLineContaining: "agent-died mayor --town \(town.root.path)") ? nil : true
        }
    }

    /// Kills the town's tmux server (the Mayor with it) and the model double.
    func close() {
        guard !closed else { return }
        closed = true
        if let result = try? LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket, "kill-server"])), !result.succeeded,
           !result.stderr.contains("no server running"), !result.stderr.contains("error connecting") {
            print("could not stop tmux server \(town.tmuxSocket): \(result.stderr)")
        }
        model?.stop()
    }
}

/// The real Claude Code for the Mayor suite, or nil (with the reason printed once) when the suite skips.
func mayorClaudeBinary() throws -> URL? {
    guard RealClaude.shouldRun() else { return nil }
    return try RealClaude.requireBinary()
}
