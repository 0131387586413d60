import Foundation

/// How a request is to be answered, and which rule chose that.
public struct SimDecision: Sendable {
    /// The rule that answers, nil for the default echo.
    public var rule: SimRule?
    /// Which of the rule's steps answers (0 for a new prompt).
    public var stepIndex: Int
    public var step: SimStep
    /// True when this request carries tool results and continues the rule that made the calls.
    public var continuation: Bool
    /// The text of the answer: the step's reply, else `ECHO: <last user text>`.
    public var text: String
}

/// The rules plus what using them has changed (which `once` rules are spent). Shared by every
/// connection of a server, so it locks.
public final class SimRuleBook: @unchecked Sendable {
    public let rules: SimRules
    private let lock = NSLock()
    private var spent: Set<Int> = []
    /// How often each prompt text has been answered, for `chance` draws.
    private var occurrences: [String: Int] = [:]

    public init(_ rules: SimRules) { self.rules = rules }

    /// The default answer when no rule matches: the last user text, exactly, after `ECHO: `.
    public static func echo(_ text: String) -> String { "ECHO: \(text)" }

    /// Picks the answer for a request: a tool-result request continues the rule named by its tool
    /// call ids; any other request goes to the first matching rule (spending it when `once`).
    public func decide(_ request: MessagesRequest) -> SimDecision {
        if request.endsWithToolResult,
           let origin = request.toolResultIDs.lazy.compactMap({ SimRules.origin(ofToolUseID: $0) }).first,
           origin.rule < rules.rules.count {
            let rule = rules.rules[origin.rule]
            let index = origin.step + 1
            let step = index < rule.steps.count ? rule.steps[index] : SimStep(reply: SimStep.afterToolsReply)
            return decision(rule: rule, index: index, step: step, continuation: true, request: request)
        }
        let chosen: SimRule? = lock.withLock {
            let text = request.lastUserText
            let occurrence = occurrences[text, default: 0]
            occurrences[text] = occurrence + 1
            for rule in rules.rules where !spent.contains(rule.index) && rule.matches(text)
                && rule.admits(text, occurrence: occurrence, seed: rules.seed) {
                if rule.once { spent.insert(rule.index) }
                return rule
            }
            return nil
        }
        guard let rule = chosen, let first = rule.steps.first else {
            return decision(rule: chosen, index: 0, step: SimStep(), continuation: request.endsWithToolResult, request: request)
        }
        return decision(rule: rule, index: 0, step: first, continuation: false, request: request)
    }

    private func decision(rule: SimRule?, index: Int, step: SimStep, continuation: Bool, request: MessagesRequest) -> SimDecision {
        // A step that calls tools says nothing unless it has a reply; otherwise the echo is the default.
        let text = step.reply ?? (step.tools.isEmpty ? Self.echo(request.lastUserText) : "")
        return SimDecision(rule: rule, stepIndex: index, step: step, continuation: continuation, text: text)
    }
}
