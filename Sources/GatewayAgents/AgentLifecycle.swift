import Foundation
import GatewayCore
import GatewayHooks

/// Starts, stops and revives one agent in tmux. Every change happens under the agent's lifecycle lock,
/// so two `gw` processes never start the same agent twice.
public struct AgentLifecycle: Sendable {
    public let runtime: AgentRuntime
    /// False only in tests that need Claude's trust dialog on screen, to prove Gateway answers it.
    var preTrustsFolder = true

    public init(runtime: AgentRuntime) { self.runtime = runtime }

    var environment: GatewayEnvironment { runtime.environment }
    var clock: any WallClock { environment.clock }
    var tmux: Tmux { runtime.tmux }
    var processes: any ProcessRunning { environment.processes }

    public enum StartOutcome: Sendable, Equatable {
        case alreadyRunning
        case started(sessionId: String, resumed: Bool)
    }

    /// Is the agent's process alive in its pane?
    @discardableResult
    public func paneState() async -> (exists: Bool, dead: Bool) {
        guard FileSystem.exists(tmux.socketPath(variables: environment.variables)) else { return (false, false) }
        guard let result = try? await processes.run(tmux.paneState(runtime.session)), result.succeeded else { return (false, false) }
        // tmux 3.3 answers a missing target with an empty line and status 0 while other sessions exist
        // on the socket (a Mayor's next to polecats): no pane id means no session.
        let fields = result.stdout.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2 else { return (false, false) }
        let dead = result.stdout.hasPrefix("1")
        if dead { await collectExitedChildren() }
        return (true, dead)
    }

    /// tmux 3.3a sometimes sees a pane's terminal close but misses its process's exit, leaving a
    /// zombie: the pane shows dead, yet the pane-died hook (which only runs once tmux has collected the
    /// process) never fires, and the death goes unhandled. Any child of the server exiting makes tmux
    /// collect them all, so a no-op job lets the hook run. Harmless when the death was already handled.
    func collectExitedChildren() async {
        do {
            try await processes.check(tmux.collectExitedChildren())
        } catch {
            environment.logger.debug("tmux run-shell failed while collecting a dead pane: \(error)")
        }
    }

    /// The screen of the agent's pane when its process runs, else nil: `isRunning()` and `capture()`
    /// in one tmux call, so a delivery looks at the pane sooner after a turn ends.
    public func runningScreen() async -> String? {
        guard FileSystem.exists(tmux.socketPath(variables: environment.variables)) else { return nil }
        guard let result = try? await processes.run(tmux.paneStateAndScreen(runtime.session)), result.succeeded else { return nil }
        let (state, screen) = result.stdout.firstIndex(of: "\n").map { (result.stdout[..<$0], result.stdout[result.stdout.index(after: $0)...]) }
            ?? (result.stdout[...], ""[...])
        // As in `paneState`: no pane id means no session; a dead pane lets its hook run.
        guard state.split(separator: " ", omittingEmptySubsequences: true).count >= 2 else { return nil }
        if state.hasPrefix("1") {
            await collectExitedChildren()
            return nil
        }
        return String(screen)
    }

    /// The process id of the agent in its pane (the root of its process tree), or nil.
    package func panePid() async -> Int32? {
        guard let result = try? await processes.run(tmux.paneState(runtime.session)), result.succeeded else { return nil }
        let fields = result.stdout.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, fields[0] == "0" else { return nil }
        return Int32(fields[1])
    }

    public func isRunning() async -> Bool {
        let state = await paneState()
        return state.exists && !state.dead
    }

    /// Starts the agent unless it runs. It resumes its last conversation when that still exists, so a
    /// stop and start keep the Mayor's context; `fresh` begins a new one.
    @discardableResult
    public func start(fresh: Bool = false, timeout: TimeInterval = 60) async throws -> StartOutcome {
        try await FileLock.withLockAsync(runtime.lifecycleLock) {
            if await isRunning() { return .alreadyRunning }
            let ledger = try runtime.openLedger()
            let previous = try await ledger.agent(runtime.name)
            var sessionId = UUID().uuidString.lowercased()
            var resume = false
            if !fresh, let last = previous?.sessionId, FileSystem.exists(runtime.transcriptPath(sessionId: last)) {
                sessionId = last
                resume = true
            }
            try await launch(sessionId: sessionId, resume: resume, ledger: ledger, note: resume ? "resumed session \(sessionId)" : nil)
            try await waitUntilStarted(ledger: ledger, timeout: timeout)
            return .started(sessionId: sessionId, resumed: resume)
        }
    }

    /// Prepares the agent's files and starts (or respawns) its pane.
    func launch(sessionId: String, resume: Bool, ledger: Ledger, note: String?) async throws {
        // A town moved to a path no quoting makes safe is refused here too, not only at install.
        try TownPath.check(runtime.town.root)
        try TownPath.check(runtime.directory, role: "\(runtime.name) agent's folder")
        try TownPrivacy.secure(runtime.town)
        try FileManager.default.createDirectory(at: runtime.runtimeDirectory, withIntermediateDirectories: true)
        let argv = try runtime.launchArguments(sessionId: sessionId, resume: resume)
        try AgentGit(town: runtime.town).install(environment: environment)
        if runtime.profile.completion == .hooks {
            try ClaudeHookSettings.write(for: runtime)
            if preTrustsFolder { try preTrust() }
        }
        try await ledger.recordAgentStart(runtime.name, profile: runtime.profile.name, sessionId: sessionId,
                                          at: environment.clock.now(), note: note)
        let agentEnvironment = agentVariables()
        let state = await paneState()
        await scrubServerEnvironment()
        if state.exists {
            try await processes.check(tmux.respawnPane(runtime.session, directory: runtime.directory, environment: agentEnvironment,
                                                       clientEnvironment: runtime.tmuxClientEnvironment, argv: argv),
                                      what: "restarting the \(runtime.name) pane")
        } else {
            try await newSessionConfirmed(argv: argv, agentEnvironment: agentEnvironment)
        }
        // A dead pane stays on screen (its last words can be read) and tells Gateway it died — no
        // daemon needs to be polling for that.
        try await processes.check(tmux.setWindowOption(runtime.session, "remain-on-exit", "on"))
        let died = ShellQuote.line([environment.executablePath, "agent-died", runtime.name, "--town", runtime.town.root.path])
        try await processes.check(tmux.setPaneDiedHook(runtime.session, shellCommand: died))
    }

    /// tmux's server exits a moment after its last session ends (`gw mayor restart` of a town whose
    /// only session is the Mayor). A new-session in that moment reaches a server on its way out and
    /// is lost — tmux 3.3 then says "server exited unexpectedly" yet may exit 0. So the session is
    /// confirmed with has-session, and made again, on a fresh server, when it is missing.
    func newSessionConfirmed(argv: [String], agentEnvironment: [String: String]) async throws {
        var last = ""
        for attempt in 1...5 {
            let created = try await processes.run(tmux.newSession(runtime.session, directory: runtime.directory, environment: agentEnvironment,
                                                                  clientEnvironment: runtime.tmuxClientEnvironment, argv: argv))
            if try await processes.run(tmux.hasSession(runtime.session)).succeeded { return }
            last = created.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            try await clock.sleep(for: .milliseconds(100 * attempt))
        }
        let detail = last.isEmpty ? "the session ended at once: its command exited (try it by hand: \(ShellQuote.line(argv)))" : last
        throw GatewayError("starting the \(runtime.name) session in tmux failed 5 times: \(detail)")
    }

    /// Trusts the agent's folder in Claude's account file before the start, so no "Quick safety
    /// check" stops it. Only folders Gateway made are trusted this way. The town itself is trusted too:
    /// Claude takes a trusted parent for its children, and every running Claude rewrites the file from
    /// its own copy — an entry for a polecat's new worktree can be dropped by a Claude that started
    /// before it, while the town's, written before the first agent, is in every copy.
    func preTrust() throws {
        guard runtime.directory.path.hasPrefix(runtime.town.root.path) else { return }
        try runtime.claudeHome.accountFile.apply([.trustFolder(runtime.town.root), .trustFolder(runtime.directory)])
    }

    /// Waits for the agent's SessionStart hook (or, for screen-read agents, its idle screen), and
    /// handles start-up dialogs: the trust question for Gateway's own folder is answered "Yes, I trust
    /// this folder" explicitly; any other dialog is reported with the screen's text and the fix.
    func waitUntilStarted(ledger: Ledger, timeout: TimeInterval) async throws {
        var answeredTrust = false
        let started = try await clock.poll(every: .milliseconds(100), until: clock.now().addingTimeInterval(timeout)) { () async throws -> Bool? in
            if runtime.profile.completion == .hooks, try await ledger.agent(runtime.name)?.state == .running { return true }
            let pane = await paneState()
            if !pane.exists || pane.dead {
                let screen = (try? await capture()) ?? ""
                throw GatewayError("the \(runtime.name) agent exited during start-up. Its last screen:\n\(Self.tail(screen))")
            }
            let screen = AgentScreen(text: try await capture(), profile: runtime.profile)
            if runtime.profile.completion == .screen, screen.inputVisible, !screen.busy {
                try await ledger.setAgentState(runtime.name, .running)
                return true
            }
            if let dialog = screen.dialog {
                if dialog == .trustFolder && !answeredTrust {
                    try await chooseTrust(screen)
                    answeredTrust = true
                } else {
                    throw StartupDialog(dialog: dialog, screen: screen.text, agent: runtime.name).error
                }
            }
            return nil
        }
        if started != nil { return }
        let screen = (try? await capture()) ?? ""
        throw GatewayError("the \(runtime.name) agent did not finish starting within \(Int(timeout)) s (no SessionStart hook). Its screen:\n\(Self.tail(screen))\nAttach with `gw mayor attach` to see it, or stop it with `gw mayor stop`.")
    }

    /// Moves the selection to "Yes, I trust this folder" and confirms — never a blind Enter, whose
    /// default is "No, exit" — then waits for the dialog to go. Claude draws the dialog a moment before
    /// it reads keys (a Down sent at once is lost), the list wraps (Down twice is back on "No"), and on
    /// a loaded machine a redraw can take seconds: so Gateway lets the dialog settle, and after each
    /// Down waits for the selection itself to move (other parts of the screen change on their own),
    /// pressing again only when the key was plainly lost. A dialog still drawn just after the Enter, or
    /// a screen caught mid-redraw, is not taken for a second dialog.
    func chooseTrust(_ screen: AgentScreen) async throws {
        let deadline = clock.now().addingTimeInterval(45)
        try await clock.sleep(for: .seconds(1))
        var current = try await capture()
        var confirmed = false
        var absentSince: Date?
        while clock.now() < deadline {
            let now = clock.now()
            let showsDialog = AgentScreen(text: current, profile: runtime.profile).dialog == .trustFolder
            if showsDialog { absentSince = nil } else if absentSince == nil { absentSince = now }
            // Gone after our Enter, or gone for good without it (not just a screen caught mid-redraw).
            if !showsDialog, confirmed || now.timeIntervalSince(absentSince ?? now) > 2 { return }
            if confirmed || !showsDialog {
                // Waiting for the dialog to go, or a screen caught mid-redraw: look again.
                try await clock.sleep(for: .milliseconds(200))
                current = try await capture()
            } else if current.contains("❯ Yes, I trust this folder") {
                try await processes.check(tmux.sendKeys(runtime.session, ["Enter"]))
                confirmed = true
            } else {
                let before = Self.selectedOption(current)
                try await processes.check(tmux.sendKeys(runtime.session, ["Down"]))
                current = try await selectionMove(from: before, within: 4)
            }
        }
        throw StartupDialog(dialog: .trustFolder, screen: current, agent: runtime.name).error
    }

    /// The dialog option the `❯` marker is on.
    static func selectedOption(_ screen: String) -> String? {
        screen.split(separator: "\n").first { $0.contains("❯") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The screen once its selected option differs from `previous`, or as it is after `seconds`.
    func selectionMove(from previous: String?, within seconds: Double) async throws -> String {
        var current = ""
        let moved = try await clock.poll(every: .milliseconds(100), until: clock.now().addingTimeInterval(seconds)) { () async throws -> String? in
            current = try await capture()
            return Self.selectedOption(current) != previous ? current : nil
        }
        return moved ?? current
    }

    public func capture() async throws -> String {
        try await processes.check(tmux.capturePane(runtime.session)).stdout
    }

    /// Stops the agent; turns in flight fail with a reason that says so.
    public func stop() async throws -> Bool {
        try await FileLock.withLockAsync(runtime.lifecycleLock) {
            let ledger = try runtime.openLedger()
            if try await ledger.agent(runtime.name) != nil {
                try await ledger.setAgentState(runtime.name, .stopped, note: "stopped by `gw \(runtime.name) stop`")
            }
            let state = await paneState()
            guard state.exists else { return false }
            if let screen = try? await capture() { try? FileSystem.writeAtomically(screen, to: runtime.lastScreenFile) }
            try await processes.check(tmux.killSession(runtime.session))
            _ = try await ledger.failTurnsInFlight(agent: runtime.name, error: "the agent was stopped", at: environment.clock.now())
            return true
        }
    }

    package static func tail(_ screen: String, lines: Int = 25) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.suffix(lines).map { "  | \($0)" }.joined(separator: "\n")
    }
}

/// A start-up dialog Gateway did not prevent, reported with what the screen said and how to fix it.
package struct StartupDialog {
    let dialog: AgentScreen.Dialog
    let screen: String
    let agent: String

    var error: GatewayError {
        let fix: String
        switch dialog {
        case .trustFolder: fix = "trust the folder once by starting `claude` in it yourself, then start the agent again"
        case .apiKey: fix = "ANTHROPIC_API_KEY is set but not approved for Claude Code: unset it for Gateway, or approve it once in `claude` yourself"
        case .login: fix = "Claude Code is not logged in: run `claude` once and log in, then `gw mayor start`"
        case .bypassWarning: fix = "bypassPermissions needs the warning accepted once: run `claude --permission-mode bypassPermissions` yourself, or use permission_mode = \"acceptEdits\""
        case .permission: fix = "the agent is waiting for a permission answer: attach with `gw mayor attach` and answer it"
        case .resumeFailed: fix = "the saved conversation is gone: start a new one with `gw mayor start --fresh`"
        }
        return GatewayError("the \(agent) agent stopped at a \(dialog.rawValue) dialog that Gateway does not answer for you — \(fix). Its screen:\n\(AgentLifecycle.tail(Self.hidingKeys(screen)))")
    }

    /// The API-key dialog shows the key's last 20 characters, which is what Claude approves keys by:
    /// keep them out of errors and logs.
    package static func hidingKeys(_ screen: String) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let range = line.range(of: "API_KEY:") else { return String(line) }
            return String(line[..<range.upperBound]) + " (hidden)"
        }.joined(separator: "\n")
    }
}
