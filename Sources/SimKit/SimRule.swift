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
    /// When set, the answer is held (the client kept busy) until this file exists, then streamed over
    /// `delay`: a test ends a slow turn when it has checked what it wanted, not when a timer runs out.
    public var holdUntil: String?

    public init(reply: String? = nil, tools: [SimToolUse] = [], delay: Double = 0, error: SimError? = nil, holdUntil: String? = nil) {
        self.reply = reply
        self.tools = tools
        self.delay = delay
        self.error = error
        self.holdUntil = holdUntil
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
    /// Seconds between Enter (the input line already empty) and the UserPromptSubmit hook, as a freshly
    /// started Claude Code takes on a loaded machine.
    public var slowSubmitHook: Double = 0
    /// The turn ends on a subscription's usage limit that resets at this time ("3pm"): StopFailure
    /// `rate_limit` with the notice "You've hit your limit · resets 3pm", shown on screen too.
    public var usageLimit: String?

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
    /// The fraction of matching prompts the rule answers; the others go on to the next rules. Which
    /// ones is a function of the rules' seed, the prompt and how often that prompt came before, so
    /// a run replays exactly from its seed.
    public var chance: Double?
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

    /// True when a rule with `chance` takes this prompt (always without `chance`). `occurrence`
    /// counts earlier answers to the same text, so a prompt sent again gets a fresh draw.
    public func admits(_ text: String, occurrence: Int, seed: UInt64) -> Bool {
        guard let chance else { return true }
        return SimDraw.fraction(seed: seed, rule: index, text: text, occurrence: occurrence) < chance
    }
}

/// The reproducible draws behind `chance`: FNV-1a over the prompt, mixed with the seed, the rule and
/// the occurrence by SplitMix64's finalizer.
public enum SimDraw {
    public static func fraction(seed: UInt64, rule: Int, text: String, occurrence: Int) -> Double {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var z = seed ^ hash ^ (UInt64(truncatingIfNeeded: rule) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(truncatingIfNeeded: occurrence) &* 0xD6E8_FEB8_6659_FD93)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
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
