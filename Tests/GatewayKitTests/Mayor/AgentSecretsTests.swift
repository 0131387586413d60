import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks
@testable import GatewayAgents
import GatewayTestSupport

/// Gateway's secrets (notify tokens, SMTP passwords, webhook headers) never reach an agent: each agent
/// starts with an environment built from an allowlist, and the town's tmux server — which copies its
/// starter's environment into every pane — is started with that allowlist too.
struct AgentEnvironmentTests {
    let secrets = GatewaySecrets([
        .init(key: "notify.targets.tg.token_env", variable: "ANTHROPIC_FOO", value: "123456:AAtok'\"$(id)`x`#{pane_id}"),
        .init(key: "notify.targets.mail.password_file", variable: nil, value: "filed-password-0123"),
    ])

    @Test func theAllowlistPassEnvAndProfileEnvPassAndSecretsNeverDo() {
        let inherited = [
            "HOME": "/h", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "https_proxy": "http://p", "AWS_REGION": "eu",
            "CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BASE_URL": "http://m", "TELEGRAM_BOT_TOKEN": "unlisted-token-value",
            "ANTHROPIC_FOO": "123456:AAtok'\"$(id)`x`#{pane_id}", "CLAUDE_CODE_COPY": "filed-password-0123",
            "GITHUB_TOKEN": "gh", "EDITOR": "vi", "PATH": "/usr/bin",
        ]
        let built = AgentEnvironment.build(inherited: inherited, passEnv: ["GITHUB_TOKEN", "ANTHROPIC_FOO"],
                                           profileEnv: ["MY_SETTING": "1", "HOOK_COPY": "x 123456:AAtok'\"$(id)`x`#{pane_id}"],
                                           fixed: ["GW_AGENT": "mayor", "PATH": "/t/.gateway/agent-bin:/usr/bin"], secrets: secrets)
        let variables = built.variables
        for name in ["HOME", "LANG", "LC_ALL", "https_proxy", "AWS_REGION", "CLAUDE_CODE_USE_BEDROCK", "ANTHROPIC_BASE_URL", "GITHUB_TOKEN", "MY_SETTING", "GW_AGENT"] {
            #expect(variables[name] != nil, "\(name) should pass")
        }
        // Unlisted; a secret under an allowed name; a secret's value under another allowed name; a
        // profile variable holding a secret; a file secret's value.
        for name in ["TELEGRAM_BOT_TOKEN", "EDITOR", "ANTHROPIC_FOO", "CLAUDE_CODE_COPY", "HOOK_COPY"] {
            #expect(variables[name] == nil, "\(name) should not pass")
        }
        #expect(variables["PATH"] == "/t/.gateway/agent-bin:/usr/bin")
        #expect(built.withheld.map(\.variable) == ["ANTHROPIC_FOO", "CLAUDE_CODE_COPY", "HOOK_COPY"])
        #expect(built.withheld.first?.secret == "ANTHROPIC_FOO")
        #expect(built.withheld[1].secret == "notify.targets.mail.password_file")
    }

    @Test func passEnvNamingASecretOrNoVariableIsAConfigProblem() throws {
        let toml = """
            [agents.claude]
            pass_env = ["GITHUB_TOKEN", "TG_TOKEN", "not a name"]

            [notify.targets.tg]
            kind = "telegram"
            chat_id = 1
            token_env = "TG_TOKEN"
            """
        do {
            _ = try GatewayConfig.parse(toml)
            Issue.record("pass_env naming a secret was accepted")
        } catch {
            let problems = error.problems.map(\.description)
            #expect(problems.contains { $0.hasPrefix("gateway.toml:2: agents.claude.pass_env: TG_TOKEN holds a secret of Gateway's own (notify.targets.tg.token_env)") }, "\(problems)")
            #expect(problems.contains { $0.contains("\"not a name\" is not an environment variable name") }, "\(problems)")
        }
        let fine = try GatewayConfig.parse("[agents.claude]\npass_env = [\"GITHUB_TOKEN\"]\n")
        #expect(fine.profile("claude").passEnv == ["GITHUB_TOKEN"])
    }
}

/// The same, end to end: `gw` runs as its own process with secrets exported, starts agents in tmux,
/// and each agent's process environment (read from /proc) and the tmux server's global one are checked.
@Suite(.serialized) struct AgentSecretsProcessTests {
    /// Unique names, and values no one else would hold, with characters shells and tmux treat specially.
    static let tag = UUID().uuidString.prefix(8)
    static let tokenVariable = "GW_TEST_TG_TOKEN_\(tag)"
    static let token = "123456:AA-\(tag)'\"$(touch pwned);`id`#{pane_id}\nsecond line"
    /// A secret under a name the allowlist takes (ANTHROPIC_*): still never passed.
    static let allowedNameVariable = "ANTHROPIC_GW_TEST_\(tag)"
    static let allowedNameSecret = "webhook-auth-\(tag)-secret"
    static let passedVariable = "GW_TEST_PASSED_\(tag)"
    static let unlistedVariable = "GW_TEST_UNLISTED_\(tag)"

    static var exported: [String: String] {
        [tokenVariable: token, allowedNameVariable: allowedNameSecret, passedVariable: "passed-\(tag)", unlistedVariable: "unlisted-\(tag)"]
    }

    /// Adds the secrets' targets and `pass_env` for `profile` to a town's gateway.toml.
    static func configure(_ town: TestTown, profile: String) throws {
        try town.configure("""
            [agents.\(profile)]
            pass_env = ["\(passedVariable)"]

            [notify.targets.tg]
            kind = "telegram"
            chat_id = 1
            token_env = "\(tokenVariable)"

            [notify.targets.hook]
            kind = "webhook"
            url = "http://127.0.0.1:9/x"
            headers_env = { Authorization = "\(allowedNameVariable)" }
            """)
    }

    /// `gw ARGS --town T` as a process of its own, with the secrets exported as a user would.
    static func gwProcess(_ arguments: [String], town: Town) async throws -> ProcessResult {
        try await runProduct("gw", arguments + ["--town", town.root.path], in: town.root, environment: exported)
    }

    static func environ(of pid: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return result
    }

    /// Checks one agent's process environment and the town's tmux global environment.
    static func expectClean(agentPID pid: String, town: Town, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let variables = try environ(of: pid)
        let values = variables.values.joined(separator: "\n")
        #expect(variables[tokenVariable] == nil && variables[allowedNameVariable] == nil && variables[unlistedVariable] == nil,
                "secret or unlisted variables reached the agent: \(variables.keys.sorted())", sourceLocation: sourceLocation)
        #expect(!values.contains("AA-\(tag)") && !values.contains(allowedNameSecret), "a secret's value reached the agent", sourceLocation: sourceLocation)
        #expect(variables[passedVariable] == "passed-\(tag)", "pass_env did not pass \(passedVariable)", sourceLocation: sourceLocation)
        #expect(variables["PATH"]?.hasPrefix(town.runtimeDirectory.appendingPathComponent(AgentGit.directoryName).path) == true,
                "PATH does not start with agent-bin: \(variables["PATH"] ?? "none")", sourceLocation: sourceLocation)
        let global = try await LiveProcessRunner().run(Command("tmux", ["-L", town.tmuxSocket, "show-environment", "-g"]))
        #expect(global.succeeded, "\(global.stderr)", sourceLocation: sourceLocation)
        for needle in [tokenVariable, "AA-\(tag)", allowedNameVariable, allowedNameSecret, unlistedVariable] {
            #expect(!global.stdout.contains(needle), "the tmux global environment holds \(needle)", sourceLocation: sourceLocation)
        }
    }

    static func panePID(_ session: String, town: Town) async throws -> String? {
        let result = try await LiveProcessRunner().run(Command("tmux", ["-L", town.tmuxSocket, "display-message", "-p", "-t", "=\(session):", "#{pane_pid}"]))
        let pid = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.succeeded && !pid.isEmpty ? pid : nil
    }

    #if os(Linux)
    @Test func theMayorOnTheSimGetsNoSecret() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try Self.configure(town, profile: "sim")
        let started = try await Self.gwProcess(["mayor", "start"], town: town.town)
        #expect(started.succeeded, "\(started.stderr)\(started.stdout)")
        let first = try await town.panePID()
        try await Self.expectClean(agentPID: String(first), town: town.town)
        // A crash is revived by tmux's pane-died hook, whose `gw agent-died` runs in the server's
        // environment: the new agent still has what pass_env names, and still no secret.
        kill(first, SIGKILL)
        try await town.waitForRestart(1)
        try await Self.expectClean(agentPID: String(try await town.panePID()), town: town.town)
    }

    /// A server an older gw started holds that gw's whole environment: the next start clears it.
    @Test func aServerStartedWithSecretsIsCleared() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try Self.configure(town, profile: "sim")
        let old = try await LiveProcessRunner().run(Command("tmux", ["-L", town.town.tmuxSocket, "new-session", "-d", "-s", "old", "sleep", "600"],
                                                            environment: Self.exported))
        #expect(old.succeeded, "\(old.stderr)")
        let started = try await Self.gwProcess(["mayor", "start"], town: town.town)
        #expect(started.succeeded, "\(started.stderr)\(started.stdout)")
        try await Self.expectClean(agentPID: String(try await town.panePID()), town: town.town)
    }

    @Test func aPolecatGetsNoSecret() async throws {
        let rules = """
            [[rule]]
            match = "hold on"
            reply = "Held."
            delay = "60s"
            """
        let polecats = try await TestTown.withRig(rules: rules)
        defer { polecats.close() }
        try Self.configure(polecats, profile: "sim")
        let slung = try await Self.gwProcess(["sling", "hold on", "--rig", "app"], town: polecats.town)
        #expect(slung.succeeded, "\(slung.stderr)\(slung.stdout)")
        let pid = try await pollUntil("a polecat's pane") { () -> String? in
            let sessions = try await polecats.tmux(["list-sessions", "-F", "#{session_name}"]).stdout.split(separator: "\n")
            guard let session = sessions.first(where: { $0.hasPrefix("polecat-") }) else { return nil }
            return try await Self.panePID(String(session), town: polecats.town)
        }
        try await Self.expectClean(agentPID: pid, town: polecats.town)
    }
    #endif
}

/// The real Claude Code's process environment (GW_CLAUDE_BIN), read through /proc.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct AgentSecretsClaudeTests {
    #if os(Linux)
    @Test func realClaudeGetsNoSecret() async throws {
        let town = try await TestTown(.claude(try RealClaude.requireBinary()), config: TestTown.quickMayor)
        defer { town.close() }
        try AgentSecretsProcessTests.configure(town, profile: "claude")
        let started = try await AgentSecretsProcessTests.gwProcess(["mayor", "start"], town: town.town)
        #expect(started.succeeded, "\(started.stderr)\(started.stdout)")
        try await AgentSecretsProcessTests.expectClean(agentPID: String(try await town.panePID()), town: town.town)
        // The Mayor still works with what it was given.
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "still there?"]) == "ECHO: still there?\n")
    }
    #endif
}
