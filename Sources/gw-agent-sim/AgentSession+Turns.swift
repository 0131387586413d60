import SimKit
import Foundation

/// Turns: submit → (permission) → answer → Stop / StopFailure, and the ways a turn goes wrong on purpose.
extension AgentSession {
    /// Tokens a reader sees in `usage`: a fixed system prompt plus a quarter token per character of context.
    var inputTokens: Int { 2_000 + contextCharacters / 4 }

    func submit(_ prompt: String) {
        let promptID = UUID().uuidString.lowercased()
        let hookContext = context(from: fire("UserPromptSubmit", subject: nil, ["prompt": prompt], promptID: promptID), event: "UserPromptSubmit")
        if let reason = hookContext.blockReason {
            screen.conversation.append(.notice("UserPromptSubmit operation blocked by hook:\n\(reason)"))
            return
        }
        screen.conversation.append(.user(prompt))
        transcript.user(prompt, promptID: promptID)
        transcript.note(type: "last-prompt", fields: ["lastPrompt": prompt])
        contextCharacters += prompt.count
        for text in hookContext.texts {
            transcript.hookContext(text, event: "UserPromptSubmit", hookName: "UserPromptSubmit")
            contextCharacters += text.count
        }
        let plan = script.take(prompt)
        let now = Self.now()
        var turn = Turn(promptID: promptID, prompt: prompt, plan: plan, started: now, due: plan.hang ? nil : now + plan.delay)
        screen.busySince = now
        if let ask = plan.permission, screen.permissionMode != "bypassPermissions" {
            turn.due = nil
            let outcomes = fire("PermissionRequest", subject: ask.tool,
                                ["tool_name": ask.tool, "tool_input": Self.jsonObject(ask.inputJSON)], promptID: promptID)
            if let decision = permissionDecision(outcomes) {
                decide(turn, allow: decision.allow, message: decision.message)
                return
            }
            screen.permission = ask
            phase = .permission(turn)
            return
        }
        phase = .busy(turn)
    }

    func answerPermission(_ event: KeyEvent, turn: Turn) {
        switch event {
        case .text("1"), .text("2"), .enter: decide(turn, allow: true, message: "")
        case .text("3"), .escape, .interrupt: decide(turn, allow: false, message: "")
        default: break
        }
    }

    /// Goes on after a permission answer: allowed → the answer comes after the rule's delay; refused →
    /// the turn stops the way Claude Code stops it, waiting for the person, with no Stop hook.
    func decide(_ turn: Turn, allow: Bool, message: String) {
        screen.permission = nil
        guard allow else {
            screen.conversation.append(.notice(message.isEmpty ? "User rejected \(turn.plan.permission?.tool ?? "tool") · What should Claude do instead?" : message))
            transcript.user("[Request interrupted by user for tool use]", promptID: turn.promptID, extra: ["toolUseResult": "User rejected tool use"])
            endTurn(turn)
            return
        }
        var next = turn
        next.due = turn.plan.hang ? nil : Self.now() + turn.plan.delay
        phase = .busy(next)
    }

    /// The answer is due: crash, fail, or reply.
    func finish(_ turn: Turn) {
        if turn.plan.crash {
            terminal.restore()
            FileHandle.standardError.write(Data("gw-agent-sim: crashing mid-turn, as the rule for this prompt asks\n".utf8))
            _exit(70)
        }
        if let failure = turn.plan.failure {
            screen.conversation.append(.notice(failure.message))
            transcript.assistant(failure.message, inputTokens: 0, outputTokens: 0, model: options.model, apiError: true)
            if options.oldVersion {
                // Before StopFailure existed a failed turn ended like any other; the error text is in the transcript.
                fire("Stop", subject: nil, ["stop_hook_active": false], promptID: turn.promptID)
            } else {
                fire("StopFailure", subject: failure.error,
                     ["error": failure.error, "error_details": failure.message, "last_assistant_message": failure.message],
                     promptID: turn.promptID)
            }
            endTurn(turn)
            return
        }
        reply(turn.plan.reply, turn: turn, stopHookActive: false, rounds: 0)
        endTurn(turn)
    }

    /// Writes a reply and fires Stop. A Stop hook exiting 2 keeps the turn going: the model answers the
    /// hook's reason (echoed) and Stop fires again with `stop_hook_active: true`, at most three times.
    private func reply(_ text: String, turn: Turn, stopHookActive: Bool, rounds: Int) {
        screen.conversation.append(.assistant(text))
        transcript.assistant(text, inputTokens: inputTokens, outputTokens: max(1, text.count / 4), model: options.model)
        contextCharacters += text.count
        let outcomes = fire("Stop", subject: nil, [
            "stop_hook_active": stopHookActive, "last_assistant_message": text,
            "background_tasks": [Any](), "session_crons": [Any](),
        ], promptID: turn.promptID)
        if rounds < 3, let blocked = outcomes.first(where: { $0.status == 2 }) {
            let reason = blocked.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            transcript.user("Stop hook feedback:\n\(reason)", promptID: turn.promptID, meta: true)
            reply(TurnPlan.echo(reason).reply, turn: turn, stopHookActive: true, rounds: rounds + 1)
        }
    }

    /// Esc (or Ctrl-C) while busy: the turn stops with no Stop hook, as in Claude Code; prompts that
    /// were waiting go back into the input line.
    func interrupt(_ turn: Turn) {
        screen.conversation.append(.notice("Interrupted · What should Claude do instead?"))
        transcript.user("[Request interrupted by user]", promptID: turn.promptID)
        let waiting = screen.queued
        screen.queued = []
        if !waiting.isEmpty {
            let typed = screen.input.text
            screen.input.clear()
            screen.input.type(waiting.joined(separator: "\n") + typed)
        }
        endTurn(turn, sendQueued: false)
    }

    /// Back to idle; prompts queued during the turn go out together as the next one.
    func endTurn(_ turn: Turn, sendQueued: Bool = true) {
        transcript.system(subtype: "turn_duration", fields: ["durationMs": Int((Self.now() - turn.started) * 1000)])
        phase = .idle
        screen.busySince = nil
        guard sendQueued, !screen.queued.isEmpty else { return }
        let merged = screen.queued.joined(separator: "\n")
        screen.queued = []
        render()
        submit(merged)
    }

    static func jsonObject(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]()
    }
}
