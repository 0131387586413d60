import Foundation

/// One `tool_use` block a rule answers with, so that the client really runs that tool.
public struct SimToolUse: Sendable, Equatable {
    public var name: String
    public var input: JSONValue

    public init(name: String, input: JSONValue) {
        self.name = name
        self.input = input
    }
}

/// An HTTP error a rule answers with, in the Anthropic error shape.
public struct SimError: Sendable, Equatable {
    public var status: Int
    public var type: String
    public var message: String
    /// Seconds for the `retry-after` header (sent for 429 and 529).
    public var retryAfter: Double?
    /// Sent as `x-should-retry`, which Anthropic clients obey: false makes the client give up at once
    /// instead of retrying with backoff.
    public var shouldRetry: Bool?

    /// The Anthropic error type that goes with an HTTP status.
    public static func defaultType(for status: Int) -> String {
        switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        default: "api_error"
        }
    }
}

/// One answer of a rule. A rule answers its first request with step 0; each request that carries the
/// results of a step's tool calls is answered by the next step.
public struct SimStep: Sendable, Equatable {
    /// Text of the answer; nil means the default `ECHO: <last user text>`.
    public var reply: String?
    /// Tool calls, after the text. A step with tools ends with `stop_reason: tool_use`.
    public var tools: [SimToolUse]
    /// Seconds over which the answer is streamed (0 = at once).
    public var delay: Double
    /// When set, the step answers with this HTTP error instead.
    public var error: SimError?

    public init(reply: String? = nil, tools: [SimToolUse] = [], delay: Double = 0, error: SimError? = nil) {
        self.reply = reply
        self.tools = tools
        self.delay = delay
        self.error = error
    }
}

/// A permission dialog the terminal double shows before running a tool.
public struct SimPermissionPrompt: Sendable, Equatable {
    public var tool: String
    public var input: JSONValue
}

/// Behaviour only the terminal double (gw-agent-sim) acts on; the model server ignores it.
public struct SimAgentBehavior: Sendable, Equatable {
    /// The agent process dies during the turn.
    public var crash = false
    /// The turn never ends (busy until interrupted or killed).
    public var hang = false
    /// The turn ends with StopFailure carrying this `error` (e.g. `rate_limit`) instead of Stop.
    public var stopFailure: String?
    /// A permission dialog is shown and the turn waits for an answer.
    public var permissionPrompt: SimPermissionPrompt?
    /// The first Enter after the prompt was pasted is swallowed, as a slow TUI sometimes does.
    public var ignoreFirstEnter = false

    public init() {}
}

/// One `[[rule]]` entry: what it matches and how it answers.
public struct SimRule: Sendable {
    /// Position in the file, from 0; tool call ids carry it so a continuation finds its rule.
    public var index: Int
    /// Line of the `[[rule]]` header, for messages and logs.
    public var line: Int?
    public var name: String?
    /// Substring the last user text must contain.
    public var match: String?
    /// Regular expression the last user text must match somewhere.
    public var regex: String?
    /// Used for at most one request (its continuations still follow it).
    public var once: Bool
    public var steps: [SimStep]
    public var agent: SimAgentBehavior
    let compiled: RegexBox?

    /// How logs name the rule: its `name`, else `rule N` (from 1, as a person counts).
    public var label: String { name ?? "rule \(index + 1)" }

    /// True when the text satisfies both `match` and `regex` (each when given).
    public func matches(_ text: String) -> Bool {
        if let match, !text.contains(match) { return false }
        if let compiled, !compiled.matches(text) { return false }
        return true
    }
}

/// NSRegularExpression is immutable once built, so sharing it across threads is safe.
final class RegexBox: @unchecked Sendable {
    let expression: NSRegularExpression

    init(_ pattern: String) throws {
        expression = try NSRegularExpression(pattern: pattern, options: [])
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, options: [], range: NSRange(text.startIndex..., in: text)) != nil
    }
}
