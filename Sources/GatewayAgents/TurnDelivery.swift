import Foundation
import GatewayCore
import GatewayHooks
import GatewayNotify

/// Delivers queued turns to an agent, one at a time, the only way that never garbles a prompt: wait
/// until the agent is idle and its input line is empty, paste with bracketed paste, press Enter as its
/// own key, and confirm by the UserPromptSubmit hook — pressing Enter once more if the prompt is still
/// sitting in the input line, and failing the turn loudly if it is still not submitted.
public struct TurnDelivery: Sendable {
    public let lifecycle: AgentLifecycle
    /// How a wait for the agent's hooks ends: a poke in the daemon, a look at the ledger in a command.
    let hooks: HookArrivals

    public init(lifecycle: AgentLifecycle, hooks: HookArrivals = .polled) {
        self.lifecycle = lifecycle
        self.hooks = hooks
    }

    var runtime: AgentRuntime { lifecycle.runtime }
    var settings: MayorSettings { runtime.settings.mayor }
    var clock: any WallClock { runtime.environment.clock }

    /// How often a command without a daemon reads the ledger while it waits for a hook (reads of one
    /// row in WAL mode cost microseconds). The daemon waits for the hook's poke instead (`HookArrivals`).
    public static let ledgerPoll = Duration.milliseconds(20)

    /// Sends every queued turn, oldest first. Returns when the queue is empty (each turn submitted or
    /// failed), or throws `DeliveryDeferred` when `deadline` passes while the agent is busy or someone
    /// is typing — the turns stay queued, nothing is lost.
    public func deliverQueued(deadline: Date) async throws {
        try await FileLock.withLockAsync(runtime.deliveryLock) {
            let ledger = try runtime.openLedger()
            // The screen the check for a dead delivery's leftovers read serves the first readiness
            // check too: one look at the pane fewer between a turn's end and the next paste.
            var seen = try await resumeInterrupted(ledger: ledger)
            while let turn = try await ledger.nextQueuedTurn(agent: runtime.name) {
                try await waitUntilReady(ledger: ledger, deadline: deadline, seen: seen)
                seen = nil
                try await send(turn, ledger: ledger)
            }
            try await ledger.setDeferred(runtime.name, reason: nil)
        }
    }

    /// Waits for the turn to end; returns it. A turn running past `turn_timeout` is marked timed out.
    public func waitForEnd(_ id: Int64, timeout: TimeInterval) async throws -> Turn {
        let ledger = try runtime.openLedger()
        func read() async throws -> Turn {
            guard let turn = try await ledger.turn(id) else { throw GatewayError("turn \(id) is not in the ledger") }
            return turn
        }
        var nextPaneCheck = clock.now().addingTimeInterval(1)
        var last: Turn?
        let ended = try await clock.poll(every: Self.ledgerPoll, until: clock.now().addingTimeInterval(timeout)) { () async throws -> Turn? in
            let turn = try await read()
            last = turn
            if turn.state.hasEnded { return turn }
            if try await expireIfOverdue(turn, ledger: ledger) { return try await read() }
            // A death fails the turn through tmux's pane-died hook; looking at the pane now and then
            // lets that hook run even when tmux was slow to notice (see AgentLifecycle.paneState).
            if clock.now() >= nextPaneCheck {
                await lifecycle.paneState()
                nextPaneCheck = clock.now().addingTimeInterval(1)
            }
            return nil
        }
        // Not ended by the timeout: the turn as the last look found it.
        if let turn = ended ?? last { return turn }
        return try await read()
    }

    /// Marks a sent or submitted turn timed out once it has run longer than `turn_timeout`.
    @discardableResult
    package func expireIfOverdue(_ turn: Turn, ledger: Ledger) async throws -> Bool {
        // A replied turn has its answer: only its bookkeeping is left, which no timeout may cut.
        guard let sent = turn.sentAt, !turn.state.hasEnded, turn.state != .queued, turn.state != .replied else { return false }
        guard clock.now().timeIntervalSince(sent) > settings.turnTimeout.seconds else { return false }
        try await ledger.endTurn(turn.id, state: .timedOut, error: "no answer within \(settings.turnTimeout)", at: clock.now())
        return true
    }

    /// Waits until no turn is in flight and the screen shows an empty input line with nothing busy.
    /// `seen` is a screen of the running agent read a moment ago, used for the first look.
    func waitUntilReady(ledger: Ledger, deadline: Date, seen: AgentScreen? = nil) async throws {
        var seen = seen
        // Backing off from 100 ms to 1 s: a busy agent is usually busy for a while.
        var pause: TimeInterval = 0.1
        while true {
            let mark = hooks.mark()
            if try await ledger.agent(runtime.name)?.state == .crashLoop {
                throw GatewayError("the \(runtime.name) agent is in a crash loop: see `gw mayor status`, then `gw mayor restart`")
            }
            // A turn in flight says the agent runs (its death would have failed the turn): no look at
            // its pane is needed to defer behind it.
            let inFlight = try await ledger.turnInFlight(agent: runtime.name)
            if inFlight == nil, seen == nil, !(await lifecycle.isRunning()) { try await lifecycle.start() }
            let waiting = try await self.waiting(ledger: ledger, screen: seen)
            seen = nil
            guard let waiting else { return }
            try await ledger.setDeferred(runtime.name, reason: waiting.reason)
            if clock.now() >= deadline { throw waiting }
            // A turn in flight ends by its hook; what the screen shows has no event and is looked at again.
            try await hooks.wait(after: mark, until: min(clock.now().addingTimeInterval(pause), deadline), clock: clock)
            pause = min(pause * 2, 1)
        }
    }

    /// Why a prompt cannot be pasted now, or nil when it can.
    package func waitingReason(ledger: Ledger) async throws -> String? {
        try await waiting(ledger: ledger)?.reason
    }

    /// What a prompt waits for, or nil when it can be pasted now. `screen`: the pane as just read.
    package func waiting(ledger: Ledger, screen seen: AgentScreen? = nil) async throws -> DeliveryDeferred? {
        if let inFlight = try await ledger.turnInFlight(agent: runtime.name) {
            if try await expireIfOverdue(inFlight, ledger: ledger) { return DeliveryDeferred(reason: "a turn just timed out") }
            return DeliveryDeferred(reason: "busy with turn \(inFlight.id)", turn: inFlight)
        }
        if let pause = try await ledger.limitPause(runtime.name, at: clock.now()) {
            return DeliveryDeferred(reason: "paused by \(pause.reason) until \(UTCStamp.iso8601(pause.until))", until: pause.until)
        }
        var screen = seen
        if screen == nil { screen = AgentScreen(text: try await lifecycle.capture(), profile: runtime.profile) }
        guard let screen else { return nil }
        if let line = screen.limitLine, let until = try await AgentLimitPause(
            environment: runtime.environment, town: runtime.town, settings: runtime.settings, agent: runtime.name, ledger: ledger
        ).pause(reporting: line, seenOnScreen: true) {
            // The agent shows a limit notice and waits: nothing is typed into it until the reset.
            return DeliveryDeferred(reason: "paused by a usage limit until \(UTCStamp.iso8601(until))", until: until)
        }
        if let dialog = screen.dialog { return DeliveryDeferred(reason: "a \(dialog.rawValue) is on screen") }
        if screen.busy { return DeliveryDeferred(reason: "busy (its screen shows work in progress)") }
        if !screen.inputText.isEmpty { return DeliveryDeferred(reason: "someone is typing in its input line") }
        if !screen.inputVisible { return DeliveryDeferred(reason: "its input line is not visible") }
        return nil
    }

    func send(_ turn: Turn, ledger: Ledger) async throws {
        let tmux = runtime.tmux
        let processes = runtime.environment.processes
        // Ended since it was read (a `/cancel`): nothing to type.
        guard let frozen = try await ledger.freezeTypedText(turn.id) else { return }
        var typed: String
        do {
            typed = try await typedText(frozen, turn: turn, ledger: ledger)
        } catch {
            return try await fail(turn, ledger: ledger, "its text (\(turn.text.utf8.count) bytes) is too large to type and could not be saved to the \(runtime.name)'s hook: \(error.userMessage)")
        }
        // Claude Code takes a backslash just before Enter as "continue on a new line": the prompt would
        // never be submitted. A space after it is trimmed from what Claude Code submits.
        if typed.hasSuffix("\\") { typed += " " }
        runtime.environment.logger.debug("pasting turn \(turn.id) into \(runtime.name)")
        let watcher = ScreenTurnWatcher(lifecycle: lifecycle, ledger: ledger)
        let before = runtime.profile.completion == .screen ? try await watcher.capture() : ""
        for call in tmux.pasteCommands(typed, session: runtime.session, buffer: "gw-turn-\(turn.id)") {
            do {
                try await processes.check(call, what: "pasting turn \(turn.id)")
            } catch {
                // Pieces always fit tmux's limits, so this is tmux itself failing (its server gone): the
                // turn fails with the reason and the queue moves on, rather than retrying it for ever.
                return try await fail(turn, ledger: ledger, "tmux could not paste it: \(error.userMessage). Part of it may be in the agent's input line: look with `gw mayor attach`")
            }
        }
        // Enter goes once the agent shows the text it was given, not after a fixed pause: sooner when it
        // draws the paste at once, later (up to `paste_delay`) when it is slow to.
        try await waitForPaste(typed, deadline: clock.now().addingTimeInterval(settings.pasteDelay.seconds))
        // Marked sent before Enter, so the UserPromptSubmit hook, which may be very quick, finds it.
        try await ledger.markTurnSent(turn.id, at: clock.now())
        try await processes.check(tmux.sendKeys(runtime.session, ["Enter"]))
        guard runtime.profile.completion == .hooks else {
            // No hook will say when the turn ends: the delivering process watches the screen.
            guard let sent = try await ledger.turn(turn.id) else { return }
            return try await watcher.watch(sent, before: before)
        }
        if try await waitForSubmission(turn.id, ledger: ledger) { return }
        // Not confirmed: press Enter again only if our prompt is visibly still in the input line.
        let screen = AgentScreen(text: try await lifecycle.capture(), profile: runtime.profile)
        let pressAgain = !screen.inputText.isEmpty && Self.inputHolds(screen.inputText, typed, scrolled: screen.inputScrolled)
        if pressAgain {
            try await ledger.recordEnterPressed(turn.id)
            try await processes.check(tmux.sendKeys(runtime.session, ["Enter"]))
        }
        // An empty input line means the agent took the prompt and its hook is late (a loaded machine):
        // wait longer for it rather than fail a turn the agent is already answering. The line may empty
        // only after the second press, so it is looked at again before the turn is given up.
        let sentAt = try await ledger.turn(turn.id)?.sentAt ?? clock.now()
        let grace = sentAt.addingTimeInterval(settings.submitGrace)
        var taken = screen.inputText.isEmpty
        if try await waitForSubmission(turn.id, ledger: ledger, until: taken ? grace : clock.now().addingTimeInterval(settings.submitTimeout.seconds)) { return }
        var after = AgentScreen(text: try await lifecycle.capture(), profile: runtime.profile)
        if !taken, after.inputText.isEmpty {
            taken = true
            if try await waitForSubmission(turn.id, ledger: ledger, until: grace) { return }
            after = AgentScreen(text: try await lifecycle.capture(), profile: runtime.profile)
        }
        try await failUnsubmitted(turn.id, ledger: ledger, enterPresses: pressAgain ? 2 : 1, screen: after,
                                  waited: taken ? "\(Int(settings.submitGrace))s" : "\(settings.submitTimeout)")
    }

    /// Ends a turn whose UserPromptSubmit hook never came, saying what the agent shows now.
    func failUnsubmitted(_ id: Int64, ledger: Ledger, enterPresses: Int, screen: AgentScreen, waited: String) async throws {
        let shows = screen.inputText.isEmpty ? "an empty input line (it took the prompt, but its hook never ran: see `gw doctor`)" : "\"\(screen.inputText.prefix(80))\" in its input line"
        try await ledger.endTurn(id, state: .failed,
            error: "pasted but never submitted: no UserPromptSubmit hook within \(waited) after \(enterPresses) Enter presses; the agent shows \(shows)",
            at: clock.now())
    }

    /// What is typed for `turn`, given its text as fixed for the paste: that text, or — when it is larger
    /// than `TurnText.typedLimit` — a short message pointing at the text saved (and committed) as `inbox/prompt-<turn>.md` in the agent's hook.
    func typedText(_ text: String, turn: Turn, ledger: Ledger) async throws -> String {
        guard text.utf8.count > TurnText.typedLimit else { return text }
        let relative = TurnText.inboxPath(turn: turn.id)
        let hooks = HookStore(environment: runtime.environment, town: runtime.town, settings: runtime.settings.hooks)
        let written = try await hooks.write(runtime.name, message: "Save turn \(turn.id)'s prompt (\(text.utf8.count) bytes, too large to type) as \(relative)") { worktree in
            try FileSystem.writeAtomically(text, to: worktree.appendingPathComponent(relative))
            return [relative]
        }
        let file = Hook.worktree(for: runtime.name, in: runtime.town).appendingPathComponent(relative)
        if let pushError = written.pushError { runtime.environment.logger.warning("pushing the hook of \(runtime.name) failed: \(pushError)") }
        let pointer = TurnText.pointer(turn: turn.id, file: file, bytes: text.utf8.count)
        try await ledger.setWireText(turn.id, pointer)
        return pointer
    }

    /// Ends a turn that could not be delivered, saying why; the queue goes on with the next one.
    func fail(_ turn: Turn, ledger: Ledger, _ reason: String) async throws {
        runtime.environment.logger.error("turn \(turn.id) could not be delivered: \(reason)")
        try await ledger.endTurn(turn.id, state: .failed, error: "not delivered: \(reason)", at: clock.now())
    }

    /// True once the turn left `sent` (submitted, or already ended): its UserPromptSubmit hook came.
    func waitForSubmission(_ id: Int64, ledger: Ledger, until limit: Date? = nil) async throws -> Bool {
        let deadline = limit ?? clock.now().addingTimeInterval(settings.submitTimeout.seconds)
        while clock.now() < deadline {
            let mark = hooks.mark()
            if let state = try await ledger.turn(id)?.state, state != .sent { return true }
            try await hooks.wait(after: mark, until: deadline, clock: clock)
        }
        return try await ledger.turn(id)?.state != .sent
    }

    /// The screen wraps and trims a pasted prompt; compare the start of what is visible — or, in a box
    /// scrolled to show part of a long text, find that part in the text.
    static func inputHolds(_ input: String, _ text: String, scrolled: Bool = false) -> Bool {
        let visible = input.filter { !$0.isWhitespace }
        let sent = text.filter { !$0.isWhitespace }
        guard !visible.isEmpty else { return false }
        if visible.contains("Pasted text") { return true }
        return scrolled ? sent.contains(visible.prefix(40)) : sent.hasPrefix(visible.prefix(40))
    }
}

/// Delivery waited as long as it was allowed to; the turns stay queued.
public struct DeliveryDeferred: Error, Sendable, CustomStringConvertible {
    public var reason: String
    /// The turn in flight the queue waits behind: its hook, or its timeout, ends the wait. Nil when
    /// the wait is for something on screen, which only another look tells.
    public var turn: Turn?
    /// When the wait ends by itself (a usage limit's reset): the next look is due then.
    public var until: Date?

    public init(reason: String, turn: Turn? = nil, until: Date? = nil) {
        self.reason = reason
        self.turn = turn
        self.until = until
    }

    public var description: String { "deferred: \(reason)" }
}
