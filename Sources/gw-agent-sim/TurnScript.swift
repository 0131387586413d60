import SimKit
import Foundation

/// How the double plays one turn: what it answers and what goes wrong on purpose.
struct TurnPlan {
    /// The reply text; the default is `ECHO: ` + the prompt.
    var reply: String
    /// Seconds the turn stays busy before answering.
    var delay: Double = 0
    /// A file that must exist before the turn answers (a test's gate); nil for none.
    var holdUntil: String?
    /// The process exits with status 70 mid-turn, after the prompt is in the transcript.
    var crash = false
    /// The turn never ends on its own (Esc interrupts it; killing the process ends it).
    var hang = false
    /// The turn ends with StopFailure instead of Stop.
    var failure: TurnFailure?
    /// A permission dialog shown (and PermissionRequest fired) before the reply.
    var permission: PermissionAsk?
    /// The first Enter on this prompt is swallowed; the next one submits.
    var ignoreFirstEnter = false
    /// Seconds the input line shows empty before UserPromptSubmit fires.
    var slowSubmitHook: Double = 0

    static func echo(_ prompt: String) -> TurnPlan { TurnPlan(reply: "ECHO: \(prompt)") }
}

/// An API error that ends a turn, as StopFailure reports it.
struct TurnFailure {
    /// `error` of the hook payload: `rate_limit`, `overloaded`, `authentication_failed`, `unknown`, …
    var error: String
    /// The text shown and sent as `last_assistant_message`, `API Error: <status> <message>`.
    var message: String
}

/// A tool the turn asks permission for.
struct PermissionAsk {
    var tool: String
    /// The tool input as JSON text (an object).
    var inputJSON: String

    private var input: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(inputJSON.utf8))) as? [String: Any] ?? [:]
    }

    /// `description` of the input, shown under the dialog's title.
    var description: String? { input["description"] as? String }
    /// `command` of the input (Bash), shown between the dialog's rules.
    var command: String? { input["command"] as? String }
}

/// Chooses the plan for a prompt. `peek` looks without using anything up (the first, ignored Enter);
/// `take` is the real decision and spends one-shot rules.
protocol TurnScript {
    func peek(_ prompt: String) -> TurnPlan
    mutating func take(_ prompt: String) -> TurnPlan
}
