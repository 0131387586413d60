import Foundation
import GatewayCore

/// `[daemon]` in gateway.toml: the daemon's safety nets and retries. Its work is woken by events (a
/// poke from a `gw` process or a hook, an edited file); these are the timers behind them, each one
/// cheap read, so an idle daemon stays near zero CPU.
public struct DaemonSettings: Sendable, Equatable {
    /// How often the Mayor's pane is checked — the safety net behind tmux's pane-died hook.
    public var healthCheck: ConfigDuration = .seconds(30)
    /// The safety sweep: how often the ledger is read for queued turns, due notifications and polecats
    /// whose wake-up was lost (a poke sent while the daemon was starting).
    public var poll: ConfigDuration = .seconds(30)
    /// How long a failed heartbeat step waits before the next try.
    public var beatRetry: ConfigDuration = .minutes(1)
    /// How often gateway.toml and HEARTBEAT.md are read even without an event that says they changed,
    /// and the longest the scheduler waits between steps.
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
