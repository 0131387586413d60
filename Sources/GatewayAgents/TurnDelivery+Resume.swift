import Foundation
import GatewayCore

/// What a delivery finds when the one before it died (the daemon's SIGKILL, a crash) part way through a
/// turn. It runs under the delivery lock, so no other delivery is mid-paste or watching a screen: what
/// is half done belongs to a process that is gone.
extension TurnDelivery {
    /// Finishes what a dead delivery left. Returns the screen it read when it found nothing to finish
    /// and the agent running, so the next look at the pane can be skipped; nil otherwise.
    func resumeInterrupted(ledger: Ledger) async throws -> AgentScreen? {
        switch runtime.profile.completion {
        case .hooks: try await resumePastedPrompt(ledger: ledger)
        case .screen: try await resumeScreenTurn(ledger: ledger)
        }
    }

    /// A delivery killed between pasting a prompt and its submission leaves the prompt in the agent's
    /// input line and its turn queued or sent. Left alone, that line reads as someone typing, and every
    /// later turn — every beat — waits behind it for ever. A turn's own text there was pasted by a
    /// delivery that died: press Enter for it, once, instead of pasting it again.
    func resumePastedPrompt(ledger: Ledger) async throws -> AgentScreen? {
        let inFlight = try await ledger.turnInFlight(agent: runtime.name)
        // A submitted turn is the agent's to finish; the input line is not ours then.
        if let inFlight, inFlight.state != .sent { return nil }
        var candidate = inFlight
        if candidate == nil { candidate = try await ledger.nextQueuedTurn(agent: runtime.name) }
        guard let turn = candidate, let text = await lifecycle.runningScreen() else { return nil }
        let screen = AgentScreen(text: text, profile: runtime.profile)
        guard showsPasted(turn, screen) else {
            // Sent, taken off the input line, and still no hook long after: it never will run.
            if turn.state == .sent, let sent = turn.sentAt, clock.now().timeIntervalSince(sent) > settings.submitGrace {
                try await failUnsubmitted(turn.id, ledger: ledger, enterPresses: turn.enterPresses, screen: screen, waited: "\(Int(settings.submitGrace))s")
                return nil
            }
            return screen
        }
        try await pressEnter(for: turn, ledger: ledger)
        if try await waitForSubmission(turn.id, ledger: ledger) { return nil }
        try await ledger.endTurn(turn.id, state: .failed,
            error: "pasted by a delivery that stopped, then not submitted: no UserPromptSubmit hook within \(settings.submitTimeout) of pressing Enter for it",
            at: clock.now())
        return nil
    }

    /// A screen-read turn has no hook to end it: the delivering process watches the screen until the
    /// agent is idle again, holding the delivery lock. So a turn still in flight here lost its watcher.
    /// If its prompt still sits unsubmitted in the input line, press Enter and watch it as usual. If it
    /// was submitted, the screen before it is gone and its reply cannot be told from what came earlier:
    /// fail it now, saying why, rather than leave it `sent` until `turn_timeout` while every later turn
    /// waits (a heartbeat's failed turn is carried by the next beat).
    func resumeScreenTurn(ledger: Ledger) async throws -> AgentScreen? {
        let inFlight = try await ledger.turnInFlight(agent: runtime.name)
        var candidate = inFlight
        if candidate == nil { candidate = try await ledger.nextQueuedTurn(agent: runtime.name) }
        guard let turn = candidate else { return nil }
        // An agent that died takes its turn with it: the pane-died hook fails that turn.
        guard await lifecycle.isRunning() else { return nil }
        let watcher = ScreenTurnWatcher(lifecycle: lifecycle, ledger: ledger)
        let before = try await watcher.capture()
        let screen = AgentScreen(text: before, profile: runtime.profile)
        if turn.state != .submitted, showsPasted(turn, screen) {
            try await pressEnter(for: turn, ledger: ledger)
            guard let sent = try await ledger.turn(turn.id) else { return nil }
            try await watcher.watch(sent, before: before)
            return nil
        }
        // Read with its history, this screen is not the one a readiness check reads: look again then.
        guard let inFlight else { return nil }
        runtime.environment.logger.warning("turn \(inFlight.id) lost the process watching its screen; failing it")
        try await ledger.endTurn(inFlight.id, state: .failed,
            error: "the process reading this turn's answer from the screen stopped before the turn ended (a killed daemon?): the reply was not captured",
            at: clock.now())
        return nil
    }

    /// The turn's own text sits unsubmitted where the agent takes input.
    func showsPasted(_ turn: Turn, _ screen: AgentScreen) -> Bool {
        guard screen.dialog == nil, !screen.busy else { return false }
        switch runtime.profile.completion {
        case .hooks: return Self.inputHolds(screen.inputText, turn.typedText, scrolled: screen.inputScrolled)
        case .screen: return Self.screenEnds(screen.text, with: turn.typedText)
        }
    }

    /// A screen-read agent's input line is not known, only its idle and busy patterns: its prompt is
    /// pasted and not yet submitted when the screen ends with the prompt's text (at least its first 40
    /// visible characters) and nothing after — once submitted, the agent prints below it. An agent
    /// that draws more below its input (a status bar) never matches, and its turn waits as before.
    static func screenEnds(_ screen: String, with text: String) -> Bool {
        let sent = text.filter { !$0.isWhitespace }
        let tail = screen.split(separator: "\n").suffix(60).joined().filter { !$0.isWhitespace }
        let head = String(sent.prefix(40))
        guard !head.isEmpty, let start = tail.range(of: head, options: .backwards) else { return false }
        return sent.hasPrefix(tail[start.lowerBound...])
    }

    private func pressEnter(for turn: Turn, ledger: Ledger) async throws {
        runtime.environment.logger.warning("turn \(turn.id) was pasted by a delivery that stopped before submitting it; pressing Enter for it")
        if turn.state == .queued {
            try await ledger.markTurnSent(turn.id, at: clock.now())
        } else {
            try await ledger.recordEnterPressed(turn.id)
        }
        try await runtime.environment.processes.check(runtime.tmux.sendKeys(runtime.session, ["Enter"]))
    }
}
