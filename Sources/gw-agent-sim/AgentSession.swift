import SimKit
import Foundation

/// Set from signal handlers, read by the event loop after `poll` returns.
nonisolated(unsafe) var pendingSignal: Int32 = 0

/// The running session: one event loop that reads keys, runs turns against the script, fires hooks and
/// writes the transcript. Single-threaded on purpose: a hook runs to completion before the next key is
/// read (keys typed meanwhile wait in the terminal's buffer, so none is lost).
final class AgentSession {
    enum Phase {
        case idle
        case busy(Turn)
        case permission(Turn)
    }

    /// The turn in flight.
    struct Turn {
        var promptID: String
        var prompt: String
        var plan: TurnPlan
        var started: Double
        /// When the answer is due; nil while waiting for a permission answer or when the turn hangs.
        var due: Double?

        /// Whether the answer waits for a gate file that does not exist yet (the rule's `hold_until`).
        var isHeld: Bool { plan.holdUntil.map { !FileManager.default.fileExists(atPath: $0) } ?? false }
    }

    let options: AgentOptions
    let terminal: Terminal
    var hooks: HookRunner
    var transcript: Transcript
    var script: any TurnScript
    var sessionID: String
    let cwd: String
    var screen: ScreenState
    var phase = Phase.idle
    var decoder = KeyDecoder()
    /// The prompt whose first Enter was swallowed (rules with `ignore_first_enter`).
    var swallowedEnterFor: String?
    /// Characters of everything in the model's context, to fill `usage` plausibly.
    var contextCharacters = 0
    /// Context UserPromptSubmit hooks added to queued prompts, recorded when their turn starts.
    var queuedContexts: [String] = []
    /// Ctrl-C / Ctrl-D pressed once on an empty input line: the next one exits.
    var exitArmed = false

    init(options: AgentOptions, terminal: Terminal, hooks: HookRunner, transcript: Transcript,
         script: any TurnScript, sessionID: String, cwd: String) {
        self.options = options
        self.terminal = terminal
        self.hooks = hooks
        self.transcript = transcript
        self.script = script
        self.sessionID = sessionID
        self.cwd = cwd
        screen = ScreenState(version: options.version, cwd: cwd, model: options.model, permissionMode: options.permissionMode)
    }

    /// How long a lone ESC waits for the rest of an escape sequence before it counts as the Esc key.
    static let escapeWait = 0.05

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    /// Starts the session (SessionStart with `source`), then reads keys until the session ends.
    func run(source: String) -> Never {
        transcript.note(type: "permission-mode", fields: ["permissionMode": options.permissionMode])
        startSession(source: source)
        if let prompt = options.initialPrompt { submit(prompt) }
        while true {
            render()
            let escapePending = decoder.hasPendingEscape
            let bytes = terminal.read(timeout: escapePending ? Self.escapeWait : pollTimeout())
            handleSignal()
            guard let bytes else { end(reason: "other", status: 0) }
            let events = bytes.isEmpty && escapePending ? decoder.flushEscape() : decoder.feed(bytes)
            for event in events { handle(event) }
            advance()
        }
    }

    /// While busy the spinner moves; idle waits for keys (a resize interrupts the wait).
    private func pollTimeout() -> Double? {
        switch phase {
        case .busy(let turn):
            guard let due = turn.due, !turn.isHeld else { return 0.25 }
            return max(0, min(0.25, due - Self.now()))
        case .idle, .permission:
            return nil
        }
    }

    private func handleSignal() {
        let signal = pendingSignal
        pendingSignal = 0
        if signal == SIGTERM || signal == SIGHUP || signal == SIGINT { end(reason: "other", status: 128 + signal) }
    }

    func render() {
        let size = terminal.size()
        screen.now = Self.now()
        screen.spinnerFrame += 1
        terminal.write(Screen.frame(screen, columns: size.columns, rows: size.rows))
    }

    /// Finishes a turn whose time has come.
    private func advance() {
        if case .busy(let turn) = phase, let due = turn.due, Self.now() >= due, !turn.isHeld { finish(turn) }
    }

    // MARK: keys

    func handle(_ event: KeyEvent) {
        if case .permission(let turn) = phase {
            answerPermission(event, turn: turn)
            return
        }
        if event != .interrupt && event != .endOfInput {
            exitArmed = false
            screen.hint = nil
            screen.placeholder = nil
        }
        switch event {
        case .text(let text): screen.input.type(text)
        case .paste(let text): screen.input.paste(text)
        case .backspace: screen.input.backspace()
        case .clearLine: screen.input.clear()
        case .enter: enter()
        case .escape: if case .busy(let turn) = phase { interrupt(turn) }
        case .interrupt, .endOfInput: exitKey(event)
        case .shiftTab: cycleMode()
        }
    }

    /// Like Claude Code 2.1.332, what is submitted loses its trailing white space (leading space stays).
    private func enter() {
        // Like Claude Code 2.1.332, a backslash just before Enter means "continue on a new line".
        if screen.input.text.hasSuffix("\\") {
            screen.input.backspace()
            screen.input.type("\n")
            render()
            return
        }
        let text = String(screen.input.text.reversed().drop { $0.isWhitespace }.reversed())
        guard !text.isEmpty else { return }
        if case .busy(let turn) = phase {
            screen.input.clear()
            enqueue(text, during: turn)
            return
        }
        if runSlashCommand(text) { return }
        if script.peek(text).ignoreFirstEnter, swallowedEnterFor != text {
            swallowedEnterFor = text
            return
        }
        swallowedEnterFor = nil
        screen.input.clear()
        let hookDelay = script.peek(text).slowSubmitHook
        if hookDelay > 0 {
            render()
            Thread.sleep(forTimeInterval: hookDelay)
        }
        submit(text)
    }

    private func exitKey(_ event: KeyEvent) {
        if case .busy(let turn) = phase, event == .interrupt {
            interrupt(turn)
            return
        }
        if event == .interrupt, !screen.input.isEmpty {
            screen.input.clear()
            return
        }
        guard screen.input.isEmpty else { return }
        if exitArmed { end(reason: "prompt_input_exit", status: 0) }
        exitArmed = true
        screen.hint = "  Press \(event == .interrupt ? "Ctrl-C" : "Ctrl-D") again to exit"
    }

    private func cycleMode() {
        let cycle = ["default", "acceptEdits", "plan", options.permissionMode].reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let next = cycle[((cycle.firstIndex(of: screen.permissionMode) ?? 0) + 1) % cycle.count]
        screen.permissionMode = next
        transcript.note(type: "permission-mode", fields: ["permissionMode": next])
    }

    /// Ends the session: SessionEnd with `reason`, terminal restored, process exits.
    func end(reason: String, status: Int32) -> Never {
        // Claude Code 2.1.332 sent a prompt id with SessionEnd too (one no prompt had used).
        fire("SessionEnd", subject: reason, ["reason": reason], promptID: UUID().uuidString.lowercased())
        terminal.restore()
        exit(status)
    }
}
