import Foundation

/// The source of "now", and the only way domain code waits. Scheduling maths never reads the system
/// clock directly and no loop calls `Task.sleep`: the environment carries the clock, so a test can
/// swap in `ManualWallClock` and step time itself instead of waiting for it.
public protocol WallClock: Sendable {
    func now() -> Date
    /// Suspends until `deadline` — returning at once when it has passed — or throws `CancellationError`
    /// when the task is cancelled, before or during the sleep.
    func sleep(until deadline: Date) async throws
}

extension WallClock {
    /// Suspends for `duration` of this clock's time.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now().addingTimeInterval(duration.timeInterval))
    }
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    /// Sleeps the time left until `deadline` on Swift's monotonic clock, so a step of the wall clock
    /// during the sleep (NTP, a laptop waking) does not stretch or cut it.
    public func sleep(until deadline: Date) async throws {
        let left = deadline.timeIntervalSince(Date())
        if left > 0 {
            try await Task.sleep(for: .seconds(left))
        } else {
            try Task.checkCancellation()
        }
    }
}

extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
