import Foundation

/// The real clock moved by an offset a test sets: for tests that drive real processes (an agent, a
/// model server), whose waits must pass for real, yet that need "now" past a boundary — the next beat's
/// second, the next day — without waiting for it. A sleep already under way keeps its real length.
public final class ShiftedWallClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval
    private let real = SystemWallClock()

    public init(offset: TimeInterval = 0) { self.offset = offset }

    public func now() -> Date { real.now().addingTimeInterval(lock.withLock { offset }) }

    public func sleep(until deadline: Date) async throws {
        try await real.sleep(until: deadline.addingTimeInterval(-lock.withLock { offset }))
    }

    /// Moves "now" on by `seconds`.
    public func advance(by seconds: TimeInterval) { lock.withLock { offset += seconds } }
}
