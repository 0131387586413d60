import Foundation
import GatewayCore

/// `[mayor]`: which agent the Mayor runs and how Gateway delivers turns to it and keeps it alive.
public struct MayorSettings: Sendable, Equatable {
    /// The agent profile the Mayor runs.
    public var agent: String = "claude"
    /// The longest wait, after a paste, for the agent to show it in its input line; Enter is pressed as
    /// soon as it does (`TurnDelivery.waitForPaste`), and after this anyway.
    public var pasteDelay: ConfigDuration = .seconds(1)
    /// How long to wait for the UserPromptSubmit hook after Enter before pressing Enter once more.
    public var submitTimeout: ConfigDuration = .seconds(2)
    /// How long the UserPromptSubmit hook may take once the agent has visibly taken a prompt (its input
    /// line emptied): on a loaded machine a freshly started Claude Code runs it seconds after Enter, and
    /// failing such a turn would orphan the answer the agent is already writing.
    public var submitGrace: TimeInterval { max(30, submitTimeout.seconds * 10) }
    /// How long a turn may run before it is marked timed out.
    public var turnTimeout: ConfigDuration = .minutes(30)
    /// The first restart delay after a crash; it doubles with each restart up to `restartBackoffMax`.
    public var restartBackoff: ConfigDuration = .seconds(30)
    public var restartBackoffMax: ConfigDuration = .minutes(10)
    /// After this many restarts within `crashLoopWindow`, Gateway stops restarting and reports a crash loop.
    public var crashLoopRestarts: Int = 5
    public var crashLoopWindow: ConfigDuration = .minutes(15)
    /// How long deliveries to an agent pause after a usage or rate limit that names no reset time; it
    /// doubles with each limit in a row, up to an hour.
    public var limitBackoff: ConfigDuration = .minutes(5)

    public init() {}

    package init(_ table: TableReader) {
        agent = table.string("agent", default: agent)
        if agent.isEmpty { table.problem("agent", "must name an agent profile, like \"claude\"") }
        pasteDelay = table.duration("paste_delay", default: pasteDelay)
        submitTimeout = table.duration("submit_timeout", default: submitTimeout)
        turnTimeout = table.duration("turn_timeout", default: turnTimeout)
        restartBackoff = table.duration("restart_backoff", default: restartBackoff)
        restartBackoffMax = table.duration("restart_backoff_max", default: restartBackoffMax)
        crashLoopRestarts = table.integer("crash_loop_restarts", default: crashLoopRestarts, range: 1...1000)
        crashLoopWindow = table.duration("crash_loop_window", default: crashLoopWindow)
        limitBackoff = table.duration("limit_backoff", default: limitBackoff)
        if restartBackoffMax < restartBackoff {
            table.problem("restart_backoff_max", "must be at least restart_backoff (\(restartBackoff))")
        }
        table.finish()
    }

    /// Reports an agent name that no profile defines, at the `mayor.agent` line.
    package func checkAgent(in profiles: [String: AgentProfile], reader: TableReader) {
        guard profiles[agent] == nil, let mayor = reader.table("mayor") else { return }
        mayor.problem("agent", "no agent profile named \"\(agent)\": use one of \(profiles.keys.sorted().joined(separator: ", ")), or define [agents.\(agent)]")
    }
}
