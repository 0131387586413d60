import Foundation

extension WallClock {
    /// Waits for what gives no event to wait on — a row another process writes, a file, an agent's
    /// screen: calls `probe` at once and then every `interval` until it returns a value, and returns
    /// that; nil when `deadline` passes first. The last look is at the deadline itself, so a value that
    /// came during the last interval is not missed, and no sleep runs past the deadline.
    public func poll<T>(every interval: Duration, until deadline: Date, _ probe: () async throws -> T?) async throws -> T? {
        while true {
            if let value = try await probe() { return value }
            let now = now()
            if now >= deadline { return nil }
            try await sleep(until: min(now.addingTimeInterval(interval.timeInterval), deadline))
        }
    }

    /// `poll(every:until:_:)` for `timeout` from now, failing with a message that names `what` was
    /// awaited when the time runs out.
    public func poll<T>(_ what: String, every interval: Duration, timeout: TimeInterval, _ probe: () async throws -> T?) async throws -> T {
        guard let value = try await poll(every: interval, until: now().addingTimeInterval(timeout), probe) else {
            throw GatewayError("timed out after \(ConfigDuration.seconds(timeout)) waiting for \(what)")
        }
        return value
    }
}
