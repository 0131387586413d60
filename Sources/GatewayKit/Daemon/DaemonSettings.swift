import Foundation
import GatewayCore

/// `[daemon]` in gateway.toml: how often the daemon looks at things. Every look is one cheap read (a
/// ledger row, a file's existence), so the defaults keep an idle daemon near zero CPU.
public struct DaemonSettings: Sendable, Equatable {
    /// How often the Mayor's pane is checked — the safety net behind tmux's pane-died hook.
    public var healthCheck: ConfigDuration = .seconds(30)
    /// How often the ledger is read for queued turns and due notifications, and the wake file looked for.
    public var poll: ConfigDuration = .seconds(1)
    /// How long a failed heartbeat step waits before the next try.
    public var beatRetry: ConfigDuration = .minutes(1)
    /// The longest the scheduler sleeps, so edits of gateway.toml and HEARTBEAT.md are picked up.
    public var scheduleRecheck: ConfigDuration = .minutes(1)
    /// How long `gw daemon stop` waits after SIGTERM before it sends SIGKILL.
    public var stopTimeout: ConfigDuration = .seconds(30)

    public init() {}

    init(_ table: TableReader) {
        let tenth = ConfigDuration(milliseconds: 100)
        healthCheck = table.duration("health_check", default: healthCheck, minimum: tenth) ?? healthCheck
        poll = table.duration("poll", default: poll, minimum: tenth) ?? poll
        beatRetry = table.duration("beat_retry", default: beatRetry, minimum: tenth) ?? beatRetry
        scheduleRecheck = table.duration("schedule_recheck", default: scheduleRecheck, minimum: tenth) ?? scheduleRecheck
        stopTimeout = table.duration("stop_timeout", default: stopTimeout, minimum: .seconds(1)) ?? stopTimeout
        table.finish()
    }
}
