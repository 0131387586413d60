import SimKit
import Foundation

/// Turns: submit → (permission) → answer → Stop / StopFailure, and the ways a turn goes wrong on purpose.
extension AgentSession {
    /// Tokens a reader sees in `usage`: a fixed system prompt plus a quarter token per character of context.
    var inputTokens: Int { 2_000 + contextCharacters / 4 }

    /// A prompt entered while idle: UserPromptSubmit (which may block it), then the turn.
    func submit(_ prompt: String) {
        let promptID = UUID().uuidString.lowercased()
        guard let contexts = promptSubmitted(prompt, promptID: promptID) else { return }
        begin([prompt], promptID: promptID, source: "typed", contexts: contexts)
    }

    /// Fires UserPromptSubmit; nil when a hook blocked the prompt (shown on screen), else the context
    /// the hooks added.
    func promptSubmitted(_ prompt: String, promptID: String) -> [String]? {
        let hookContext = context(from: fire("UserPromptSubmit", subject: nil, ["prompt": prompt], promptID: promptID), event: "UserPromptSubmit")
        if let reason = hookContext.blockReason {
            screen.conversation.append(.notice("UserPromptSubmit operation blocked by hook:\n\(reason)"))
            return nil
        }
        return hookContext.texts
    }

    /// A prompt entered while a turn runs, as Claude Code 2.1.332 does it: UserPromptSubmit fires at once,
    /// carrying the RUNNING turn's `prompt_id`; the prompt waits in a queue and becomes part of the next
    /// turn, which gets a new prompt id and fires no UserPromptSubmit of its own.
    func enqueue(_ prompt: String, during turn: Turn) {
        guard let contexts = promptSubmitted(prompt, promptID: turn.promptID) else { return }
        screen.queued.append(prompt)
        queuedContexts += contexts
        transcript.note(type: "queue-operation", fields: ["operation": "enqueue", "timestamp": Transcript.timestamp(), "content": prompt])
    }

    /// Starts a turn for `prompts` (one typed prompt, or every queued one): user records, the rule of the
    /// last prompt, then busy, or a permission dialog first.
    func begin(_ prompts: [String], promptID: String, source: String, contexts: [String]) {
        for prompt in prompts {
            screen.conversation.append(.user(prompt))
            transcript.user(prompt, promptID: promptID, source: source, permissionMode: screen.permissionMode)
            contextCharacters += prompt.count
        }
        let last = prompts.last ?? ""
        transcript.note(type: "last-prompt", fields: ["lastPrompt": last.replacingOccurrences(of: "\n", with: " ")])
        for text in contexts {
            transcript.hookContext(text, event: "UserPromptSubmit", hookName: "UserPromptSubmit")
            contextCharacters += text.count
        }
        let plan = script.take(last)
        let now = Self.now()
        var turn = Turn(promptID: promptID, prompt: last, plan: plan, started: now, due: plan.hang ? nil : now + plan.delay)
        screen.busySince = now
        if let ask = plan.permission, screen.permissionMode != "bypassPermissions" {
            turn.due = nil
            let outcomes = fire("PermissionRequest", subject: ask.tool, [
                "tool_name": ask.tool, "tool_input": Self.jsonObject(ask.inputJSON), "effort": ["level": "medium"],
                "permission_suggestions": [Any](),
            ], promptID: promptID)
            if let decision = permissionDecision(outcomes) {
                // A hook's "deny" is not the person's "no": the model is told, and the turn goes on to
                // its end (and its Stop hook), as in Claude Code.
                if !decision.allow {
                    var next = turn
                    next.plan.reply = "The \(ask.tool) call was denied: \(decision.message)"
                    next.due = Self.now()
                    phase = .busy(next)
                    return
                }
                decide(turn, allow: true, message: decision.message)
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
        case .text("1"), .text("2"), .text("3"), .enter: decide(turn, allow: true, message: "")
        case .text("4"), .escape, .interrupt: decide(turn, allow: false, message: "")
        default: break
        }
    }

    /// Goes on after a permission answer: allowed → the answer comes after the rule's delay; refused →
    /// the turn stops the way Claude Code stops it, waiting for the person, with no Stop hook.
    func decide(_ turn: Turn, allow: Bool, message: String) {
        screen.permission = nil
        guard allow else {
            screen.conversation.append(.notice(message.isEmpty ? "Interrupted · What should Claude do instead?" : message))
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
            screen.conversation.append(.assistant(failure.message))
            // As observed after a 529: the empty input line is not blank, although nobody typed.
            if failure.error == "server_error" { screen.placeholder = "Resend your message to try again" }
            transcript.assistant(failure.message, inputTokens: 0, outputTokens: 0, model: options.model, apiError: true)
            if options.oldVersion {
                // Before StopFailure existed a failed turn ended like any other; the error text is in the transcript.
                fire("Stop", subject: nil, ["stop_hook_active": false], promptID: turn.promptID)
            } else {
                // As observed: `effort`, no permission_mode, and no `error_details` for an `unknown` error.
                var fields: [String: Any] = ["error": failure.error, "last_assistant_message": failure.message, "effort": ["level": "medium"]]
                if failure.error != "unknown" { fields["error_details"] = failure.message }
                fire("StopFailure", subject: failure.error, fields, promptID: turn.promptID)
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
            "effort": ["level": "medium"], "stop_hook_active": stopHookActive, "last_assistant_message": text,
            "background_tasks": [Any](), "session_crons": [Any](),
        ], promptID: turn.promptID)
        if !outcomes.isEmpty {
            transcript.system(subtype: "stop_hook_summary", fields: [
                "hookCount": outcomes.count, "hookErrors": outcomes.filter { $0.status != 0 }.map(\.stderr),
                "preventedContinuation": false, "stopReason": "", "hasOutput": outcomes.contains { !$0.stdout.isEmpty },
                "level": "suggestion",
            ])
        }
        if rounds < 3, let blocked = outcomes.first(where: { $0.status == 2 }) {
            let reason = blocked.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            transcript.user("Stop hook feedback:\n\(reason)", promptID: turn.promptID, meta: true)
            reply(TurnPlan.echo(reason).reply, turn: turn, stopHookActive: true, rounds: rounds + 1)
        }
    }

    /// Esc (or Ctrl-C) while busy: the turn stops with no Stop hook, as in Claude Code; prompts that
    /// were queued still go out as the next turn (as Claude Code 2.1.332 was seen to do).
    func interrupt(_ turn: Turn) {
        screen.conversation.append(.notice("Interrupted · What should Claude do instead?"))
        transcript.user("[Request interrupted by user]", promptID: turn.promptID)
        endTurn(turn)
    }

    /// Back to idle; prompts queued during the turn go out together as the next turn.
    func endTurn(_ turn: Turn) {
        transcript.system(subtype: "turn_duration", fields: ["durationMs": Int((Self.now() - turn.started) * 1000)])
        screen.conversation.append(.done("✻ Worked for \(Int(Self.now() - turn.started))s · done \(Self.clockTime())"))
        phase = .idle
        screen.busySince = nil
        guard !screen.queued.isEmpty else { return }
        let prompts = screen.queued
        let contexts = queuedContexts
        screen.queued = []
        queuedContexts = []
        transcript.note(type: "queue-operation", fields: ["operation": "dequeue", "timestamp": Transcript.timestamp()])
        begin(prompts, promptID: UUID().uuidString.lowercased(), source: "queued", contexts: contexts)
    }

    /// `1:40 AM`, as the line after a turn shows the time.
    static func clockTime() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "h:mm a"
        return formatter.string(from: Date())
    }

    static func jsonObject(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]()
    }
}
