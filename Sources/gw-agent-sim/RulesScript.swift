import Foundation
import SimKit

/// Plays turns from the shared rules file (docs/sim-rules.md, read by SimKit): the first unspent rule
/// whose `match`/`regex` accepts the prompt decides the turn; no match means `ECHO: <prompt>`.
/// gw-agent-sim calls no model: a rule's tool steps are not run, only their delays add up, and the
/// reply is the last step's `reply`.
struct RulesScript: TurnScript {
    let rules: SimRules
    private var spent: Set<Int> = []
    /// How often each prompt has been played, for `chance` draws (peek and take draw alike).
    private var occurrences: [String: Int] = [:]

    init(rules: SimRules) { self.rules = rules }

    /// `--rules FILE`, else `$GW_SIM_RULES`, else no rules.
    static func load(path: String?, environment: [String: String]) throws(AgentSimError) -> RulesScript {
        do {
            return RulesScript(rules: try SimRules.load(path: path, environment: environment))
        } catch {
            throw AgentSimError("gw-agent-sim: \(error.message)")
        }
    }

    func peek(_ prompt: String) -> TurnPlan {
        rule(for: prompt).map { Self.plan($0, prompt: prompt) } ?? .echo(prompt)
    }

    mutating func take(_ prompt: String) -> TurnPlan {
        guard let rule = rule(for: prompt) else {
            occurrences[prompt, default: 0] += 1
            return .echo(prompt)
        }
        if rule.once { spent.insert(rule.index) }
        occurrences[prompt, default: 0] += 1
        return Self.plan(rule, prompt: prompt)
    }

    private func rule(for prompt: String) -> SimRule? {
        let occurrence = occurrences[prompt, default: 0]
        return rules.rules.first { !spent.contains($0.index) && $0.matches(prompt) && $0.admits(prompt, occurrence: occurrence, seed: rules.seed) }
    }

    static func plan(_ rule: SimRule, prompt: String) -> TurnPlan {
        let reply = rule.steps.last(where: { !($0.reply ?? "").isEmpty })?.reply ?? SimRuleBook.echo(prompt)
        var plan = TurnPlan(reply: reply)
        plan.delay = rule.steps.reduce(0) { $0 + $1.delay }
        plan.holdUntil = rule.steps.lazy.compactMap(\.holdUntil).first
        plan.crash = rule.agent.crash
        plan.hang = rule.agent.hang
        plan.ignoreFirstEnter = rule.agent.ignoreFirstEnter
        plan.slowSubmitHook = rule.agent.slowSubmitHook
        if let ask = rule.agent.permissionPrompt {
            plan.permission = PermissionAsk(tool: ask.tool, inputJSON: ask.input.jsonText)
        }
        let httpError = rule.steps.lazy.compactMap(\.error).first
        if rule.agent.stopFailure != nil || httpError != nil {
            plan.failure = failure(kind: rule.agent.stopFailure, error: httpError)
        }
        if let reset = rule.agent.usageLimit {
            plan.failure = TurnFailure(error: "rate_limit", message: "You've hit your limit · resets \(reset)")
        }
        return plan
    }

    /// StopFailure's `error` and message, as Claude Code 2.1.332 reported them (docs/claude-offline-notes.md):
    /// a 400 is `unknown` with `API Error: 400 <message>`; a 5xx is `server_error` with a server-side
    /// note after the message. Other kinds follow the documented matcher names.
    static func failure(kind: String?, error: SimError?) -> TurnFailure {
        let statusForKind = ["rate_limit": 429, "overloaded": 529, "server_error": 500, "authentication_failed": 401, "billing_error": 402]
        let kindForStatus = [429: "rate_limit", 401: "authentication_failed", 402: "billing_error"]
        let status = error?.status ?? kind.flatMap { statusForKind[$0] } ?? 500
        let text = error?.message ?? "\(SimError.defaultType(for: status)): scripted failure"
        // Claude Code 2.1.332 words a 429 as "Request rejected (429) · <message>".
        var message = status == 429 ? "API Error: Request rejected (429) · \(text)" : "API Error: \(status) \(text)"
        if status >= 500 { message += ". " + serverSideNote }
        let chosen = kind ?? kindForStatus[status] ?? (status >= 500 ? "server_error" : "unknown")
        return TurnFailure(error: chosen, message: message)
    }

    /// What Claude Code adds after a 5xx message (it goes on to name the inference gateway's address).
    static let serverSideNote = "This is a server-side issue, usually temporary — try again in a moment."
}
