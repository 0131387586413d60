import Foundation
import GatewayKit
import GatewayCore

/// gw-agent-sim (the Claude Code test double) running in a private tmux server, with command hooks for
/// every event that append the hook's stdin JSON to `events.jsonl` and its environment to `env.txt`.
/// Its own CLAUDE_CONFIG_DIR keeps transcripts inside the test's temporary folder.
public final class AgentSimHarness: @unchecked Sendable {
    public static let oldVersion = "2.1.30"
    public static let events = ["SessionStart", "UserPromptSubmit", "Stop", "StopFailure", "PermissionRequest", "PreCompact", "SessionEnd"]

    public let directory: TemporaryDirectory
    public let workspace: URL
    public let configDirectory: URL
    public let settingsFile: URL
    public let sessionID: String
    private(set) var tmux: TmuxTestServer?

    /// `rules` (TOML) is written to a file and passed with `--rules`. The hook script also answers, so
    /// every output path is testable: SessionStart prints context (12,000 characters when BIG_CONTEXT is
    /// set); UserPromptSubmit blocks prompts containing "forbidden" (exit 2); Stop exits 2 once for
    /// replies containing "keep going"; PermissionRequest allows inputs containing "auto-allow".
    public init(rules: String? = nil, sessionID: String = UUID().uuidString.lowercased()) throws {
        directory = TemporaryDirectory("gw-agentsim")
        workspace = directory.path("work space")
        configDirectory = directory.path("claude-config")
        settingsFile = directory.path("settings.json")
        self.sessionID = sessionID
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let script = directory.path("hook.sh")
        try """
            #!/bin/sh
            payload=$(cat)
            printf '%s\\n' "$payload" >> "$HOOK_LOG/events.jsonl"
            printf '%s|%s|%s|%s\\n' "$1" "$CLAUDE_PROJECT_DIR" "$CLAUDE_CODE_SESSION_ID" "$(pwd)" >> "$HOOK_LOG/env.txt"
            case "$1" in
              SessionStart)
                if [ -n "$BIG_CONTEXT" ]; then head -c 12000 /dev/zero | tr '\\0' x
                else printf '%s' '{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"primed by the test"}}'; fi ;;
              UserPromptSubmit) case "$payload" in *forbidden*) echo "forbidden prompts are refused" >&2; exit 2 ;; esac ;;
              Stop)
                if printf '%s' "$payload" | grep -q 'keep going' && printf '%s' "$payload" | grep -q '"stop_hook_active":false'; then
                  echo "say more" >&2; exit 2
                fi ;;
              PermissionRequest)
                case "$payload" in *auto-allow*) printf '%s' '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}' ;; esac ;;
            esac
            exit 0
            """.write(to: script, atomically: true, encoding: .utf8)
        var hooks: [String: Any] = [:]
        for event in Self.events {
            hooks[event] = [["matcher": "", "hooks": [["type": "command", "command": "sh '\(script.path)' \(event)", "timeout": 30]]]]
        }
        try JSONSerialization.data(withJSONObject: ["hooks": hooks]).write(to: settingsFile)
        if let rules { try rules.write(to: directory.path("rules.toml"), atomically: true, encoding: .utf8) }
    }

    /// Starts the double in tmux with `--settings` (and `--rules`), plus `arguments`.
    @discardableResult
    public func start(_ arguments: [String] = [], resume: Bool = false, environment: [String: String] = [:]) async throws -> TmuxTestServer {
        tmux?.kill()
        var argv = [try builtProduct("gw-agent-sim").path, "--settings", settingsFile.path]
        argv += resume ? ["--resume", sessionID] : ["--session-id", sessionID]
        if FileManager.default.fileExists(atPath: directory.path("rules.toml").path) { argv += ["--rules", directory.path("rules.toml").path] }
        let server = try await TmuxTestServer(command: argv + arguments, in: workspace, environment: [
            "CLAUDE_CONFIG_DIR": configDirectory.path, "HOOK_LOG": directory.url.path, "GW_SIM_RULES": "",
        ].merging(environment) { _, new in new })
        tmux = server
        return server
    }

    public func kill() { tmux?.kill() }

    /// Every hook payload so far, in order.
    public func hookEvents() throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: directory.path("events.jsonl").path) else { return [] }
        return try data.split(separator: 0x0A).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw GatewayError("a hook payload is not a JSON object: \(String(decoding: line, as: UTF8.self))")
            }
            return object
        }
    }

    /// Payloads of one event.
    public func hookEvents(_ name: String) throws -> [[String: Any]] {
        try hookEvents().filter { $0["hook_event_name"] as? String == name }
    }

    /// Waits until `count` payloads of `name` have arrived; returns them.
    @discardableResult
    public func waitForHook(_ name: String, count: Int = 1, timeout: Double = 120) async throws -> [[String: Any]] {
        try await TmuxTestServer.waitUntil(timeout: timeout, "\(count) \(name) hook call(s)", lastSeen: { (try? await self.tmux?.capture()) ?? "" }) {
            let found = try hookEvents(name)
            return found.count >= count ? found : nil
        }
    }

    /// Lines of `env.txt`: `event|CLAUDE_PROJECT_DIR|CLAUDE_CODE_SESSION_ID|pwd`.
    public func hookEnvironment() -> [String] {
        let text = (try? String(contentsOf: directory.path("env.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Where Claude Code keeps this session's transcript.
    public var transcriptURL: URL {
        let name = String(workspace.path.utf16.map { unit -> Character in
            let keep = (48...57).contains(unit) || (65...90).contains(unit) || (97...122).contains(unit)
            return keep ? Character(Unicode.Scalar(UInt8(unit))) : "-"
        })
        return configDirectory.appendingPathComponent("projects").appendingPathComponent(name).appendingPathComponent("\(sessionID).jsonl")
    }

    /// The transcript's records; every line must be a JSON object.
    public func transcriptRecords() throws -> [[String: Any]] {
        let data = try Data(contentsOf: transcriptURL)
        return try data.split(separator: 0x0A).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw GatewayError("a transcript line is not a JSON object")
            }
            return object
        }
    }

    /// Pastes a prompt and presses Enter as its own key, the way Gateway delivers a turn.
    public func send(_ prompt: String) async throws {
        guard let tmux else { throw GatewayError("start the agent first") }
        try await tmux.paste(prompt)
        try await tmux.sendKeys("Enter")
    }
}
