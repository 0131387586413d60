import Foundation
import GatewayCore

/// Completion for agents without hooks, read from the screen — the less reliable path, since screen
/// text is not a contract. A turn is submitted once the screen changes after Enter; it is done when the
/// last line matches the idle pattern in two looks 200 ms apart with the busy pattern absent from the
/// last lines; its reply is what the pane added, minus the echoed prompt and the idle line. The screen
/// gives no event, so it is polled.
struct ScreenTurnWatcher {
    let lifecycle: AgentLifecycle
    let ledger: Ledger

    var runtime: AgentRuntime { lifecycle.runtime }
    var clock: any WallClock { runtime.environment.clock }

    func capture() async throws -> String {
        try await runtime.environment.processes.check(runtime.tmux.captureHistory(runtime.session, lines: 2000)).stdout
    }

    func watch(_ turn: Turn, before: String) async throws {
        let started = clock.now()
        var submitted = false
        var idleLooks = 0
        let ended = try await clock.poll(every: .milliseconds(200), until: started.addingTimeInterval(runtime.settings.mayor.turnTimeout.seconds)) { () async throws -> Bool? in
            guard await lifecycle.isRunning() else {
                try await ledger.endTurn(turn.id, state: .failed, error: "the agent died during the turn", at: clock.now())
                return true
            }
            let now = try await capture()
            if !submitted, now != before {
                submitted = true
                try await ledger.markTurnSubmitted(turn.id, at: clock.now())
            }
            let state = Self.read(now, profile: runtime.profile)
            idleLooks = submitted && state.idle && !state.busy ? idleLooks + 1 : 0
            // Two idle looks, and not in the first moment after Enter, before the agent has reacted.
            guard idleLooks >= 2 && clock.now().timeIntervalSince(started) > 0.5 else { return nil }
            try await ledger.endTurn(turn.id, state: .done, reply: Self.reply(before: before, after: now, prompt: turn.typedText, busyPattern: runtime.profile.busyPattern), at: clock.now())
            return true
        }
        if ended == nil {
            try await ledger.endTurn(turn.id, state: .timedOut, error: "the screen never showed the idle pattern again", at: clock.now())
        }
    }

    /// Idle: the last non-empty line matches `idle_pattern`. Busy: one of the last five lines matches
    /// `busy_pattern` (older output further up may mention it without meaning anything now). Both can
    /// hold at once — TUIs keep their input line visible while they work — and then busy wins.
    static func read(_ screen: String, profile: AgentProfile) -> (idle: Bool, busy: Bool) {
        let lines = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let last = lines.last else { return (false, false) }
        return (AgentScreen.matches(profile.idlePattern, [last]), AgentScreen.matches(profile.busyPattern, Array(lines.suffix(5))))
    }

    /// The lines the turn added: after what was on screen before, without the echoed prompt, the busy
    /// marker and the idle line the agent ends on.
    static func reply(before: String, after: String, prompt: String, busyPattern: String) -> String {
        let old = before.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var new = after.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        while new.last?.isEmpty == true { new.removeLast() }
        var common = 0
        let oldTrimmed = Array(old.reversed().drop { $0.isEmpty }.reversed())
        while common < min(oldTrimmed.count - 1, new.count), oldTrimmed[common] == new[common] { common += 1 }
        var added = Array(new[common...])
        let promptLines = Set(prompt.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        added.removeAll { line in
            // The echo of the prompt: the line itself, or behind a short prompt marker such as `> `.
            promptLines.contains { !$0.isEmpty && line.hasSuffix($0) && line.count - $0.count <= 4 }
                || AgentScreen.matches(busyPattern, [line])
        }
        if !added.isEmpty { added.removeLast() }
        return added.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
