import Foundation

/// Runs the heartbeat against the real Mayor: ticks the scheduler, and when a beat is due sends its
/// prompt as one turn, reads the reply, stores findings in the daily log and queues notifications.
/// The daemon's scheduler service calls `step` in a loop; `gw heartbeat now` calls `runNow`.
public struct BeatRunner: Sendable {
    public let environment: GatewayEnvironment
    public let town: Town
    /// When the daemon started: the first beat ever comes one interval later.
    public let startedAt: Date

    public init(environment: GatewayEnvironment, town: Town, startedAt: Date) {
        self.environment = environment
        self.town = town
        self.startedAt = startedAt
    }

    /// One pass: runs a beat if one is due (or records a skip) and returns when to call again —
    /// nil when nothing is scheduled (the heartbeat is off). Never throws for a failed beat; the
    /// failure is recorded in the ledger. Throws only when the town itself cannot be read.
    public func step() async throws -> Date? {
        throw GatewayError("the heartbeat runner is not available in this build")
    }
}
