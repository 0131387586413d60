import Foundation
import Testing
import GatewayKit
import GatewayCore
import GatewayAgents

/// Finding the real Claude Code for the real-Claude suite: `GW_CLAUDE_BIN`, set by scripts/test
/// (scripts/fetch-claude). Outside CI a missing binary skips the suite with the reason; under CI
/// (CI=true) the suite runs anyway and fails, because the suite must run there.
public enum RealClaude {
    public static let variables = ProcessInfo.processInfo.environment
    public static var inCI: Bool { variables["CI"] == "true" }

    public static var binary: URL? {
        guard let path = variables["GW_CLAUDE_BIN"], !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return URL(fileURLWithPath: path)
    }

    public static let skipReason = "GW_CLAUDE_BIN does not name a claude binary: run scripts/test (it fetches the pinned Claude Code) or export GW_CLAUDE_BIN=$(scripts/fetch-claude)"

    /// Whether the suite runs; says why (once) when it does not.
    public static func shouldRun() -> Bool { decision }

    private static let decision: Bool = {
        if binary != nil || inCI { return true }
        print("skipping the real-Claude suite: \(skipReason)")
        return false
    }()

    public static func requireBinary() throws -> URL {
        guard let binary else { throw GatewayError("the real-Claude suite must run under CI, but \(skipReason)") }
        return binary
    }
}

/// One test's private Claude world: a home, a config folder, a project, settings whose hooks append
/// their stdin JSON to a file, and a gw-model-sim with the test's rules.
public final class ClaudeSandbox: @unchecked Sendable {
    public let directory = TemporaryDirectory("real-claude")
    public let claude: URL
    public let home: URL
    public let configDirectory: URL
    public let project: URL
    public let hooksFile: URL
    public let settingsFile: URL
    public let sim: ModelSimProcess
    /// Any key works for gw-model-sim; it is unique so approval by suffix is really exercised.
    public let apiKey = "sk-gw-test-\(UUID().uuidString)"

    /// `{{PROJECT}}` in the rules stands for the project's absolute path (tool inputs need one).
    public init(rules: String? = nil) async throws {
        claude = try RealClaude.requireBinary()
        home = directory.path("home")
        configDirectory = directory.path("claude-config")
        hooksFile = directory.path("hooks.jsonl")
        settingsFile = directory.path("settings.json")
        for folder in [home, configDirectory] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        project = try await makeProject(in: directory.url, name: "project")
        sim = try await ModelSimProcess(rules: rules?.replacingOccurrences(of: "{{PROJECT}}", with: project.path), in: directory.url)
        try writeSettings()
        // What Gateway does before every start: no onboarding screen, no trust or API-key question.
        try ClaudeConfigHome(configDirectory: configDirectory, home: home).accountFile
            .apply([.completeOnboarding, .trustFolder(project), .approveAPIKey(apiKey)])
    }

    deinit { sim.stop() }

    /// More variables for Claude Code and its hooks (GW_TOWN and GW_AGENT for Gateway's hooks).
    public var extraEnvironment: [String: String] = [:]

    public var environment: [String: String] {
        var variables = ClaudeLocalModel(baseURL: sim.baseURL, apiKey: apiKey, configDirectory: configDirectory).environment
        variables["HOME"] = home.path
        return variables.merging(extraEnvironment) { _, extra in extra }
    }

    private func writeSettings() throws {
        // One printf per event keeps each payload on its own line even if two hooks overlap.
        let command = "line=$(cat); printf '%s\\n' \"$line\" >> '\(hooksFile.path)'"
        let entry: [[String: Any]] = [["hooks": [["type": "command", "command": command]]]]
        let settings: [String: Any] = ["hooks": ["SessionStart": entry, "UserPromptSubmit": entry, "Stop": entry, "StopFailure": entry]]
        try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted]).write(to: settingsFile)
    }

    /// The hook payloads so far, in the order they fired.
    public func hookEvents() throws -> [[String: Any]] {
        guard FileSystem.exists(hooksFile) else { return [] }
        return try FileSystem.readText(hooksFile).split(separator: "\n").map {
            guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw GatewayError("a hook wrote something that is not a JSON object: \($0)")
            }
            return object
        }
    }

    public func events(named name: String) throws -> [[String: Any]] {
        try hookEvents().filter { $0["hook_event_name"] as? String == name }
    }

    /// `claude -p PROMPT --output-format json ...` in the project; returns the parsed result object.
    public func runHeadless(_ prompt: String, _ extra: [String] = []) async throws -> [String: Any] {
        let result = try await LiveProcessRunner().run(Command(
            claude.path, ["-p", prompt, "--output-format", "json"] + extra, in: project, environment: environment))
        guard result.succeeded, let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw GatewayError("claude -p failed (exit \(result.status)): \(result.stderr)\(result.stdout)")
        }
        return object
    }
}

/// Claude Code's TUI in a tmux session on a private socket.
public final class ClaudeTmuxSession: @unchecked Sendable {
    public let socket = "gw-test-\(UUID().uuidString.prefix(8))"
    public let name = "claude"

    public init(_ sandbox: ClaudeSandbox, sessionID: UUID) async throws {
        var arguments = ["new-session", "-d", "-s", name, "-x", "160", "-y", "50", "-c", sandbox.project.path]
        for (key, value) in sandbox.environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments += [sandbox.claude.path, "--session-id", sessionID.uuidString.lowercased(),
                      "--settings", sandbox.settingsFile.path, "--permission-mode", "acceptEdits"]
        try await startServer(arguments, errors: sandbox.directory.path("tmux.stderr"))
    }

    /// `new-session` starts the tmux server, which would inherit the descriptors Foundation's
    /// `Process` uses to watch the client and keep the call from returning (see `DetachedSpawn`).
    private func startServer(_ arguments: [String], errors: URL) async throws {
        let status = try await DetachedSpawn.run("tmux", ["-L", socket] + arguments, errors: errors)
        guard status == 0 else {
            throw GatewayError("tmux new-session failed (exit \(status)): \((try? FileSystem.readText(errors)) ?? "")")
        }
    }

    /// `tmux -L <socket> ARGS`, awaited on a thread of its own.
    @discardableResult
    public func tmux(_ arguments: [String]) async throws -> String {
        let result = try await LiveProcessRunner().run(Command("tmux", ["-L", socket] + arguments))
        guard result.succeeded else { throw GatewayError("tmux \(arguments.first ?? "") failed: \(result.stderr)") }
        return result.stdout
    }

    public func screen() async throws -> String { try await tmux(["capture-pane", "-p", "-t", name]) }

    /// Pastes `text` as one bracketed paste, waits 300 ms, then presses Enter on its own.
    public func submit(_ text: String, via directory: URL) async throws {
        let file = directory.appendingPathComponent("prompt-\(UUID().uuidString.prefix(8)).txt")
        try Data(text.utf8).write(to: file)
        let buffer = "gw-\(UUID().uuidString.prefix(8))"
        try await tmux(["load-buffer", "-b", buffer, file.path])
        try await tmux(["paste-buffer", "-p", "-d", "-b", buffer, "-t", name])
        try await Task.sleep(for: .milliseconds(300))
        try await tmux(["send-keys", "-t", name, "Enter"])
    }

    private var killed = false

    /// Stops the server once (tests call it in a `defer`, and `deinit` calls it again).
    public func kill() {
        guard !killed else { return }
        killed = true
        // Blocking, briefly: kill() runs in a `defer` or deinit, which cannot await.
        do {
            let result = try LiveProcessRunner.runBlocking(Command("tmux", ["-L", socket, "kill-server"]))
            if !result.succeeded { print("could not stop the test tmux server \(socket): \(result.stderr)") }
        } catch { print("could not stop the test tmux server \(socket): \(error)") }
    }

    deinit { kill() }
}
