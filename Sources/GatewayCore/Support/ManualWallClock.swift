import Foundation

/// A clock that moves only when a test moves it. Its sleepers stay suspended until `advance(by:)` or
/// `set(_:)` carries "now" to their deadline, so a test steps time in exact amounts and never waits for
/// real; `waitForSleepers(_:)` lets it first make sure the code under test has gone to sleep, rather
/// than sleep itself and hope. Code that sleeps on it while no test steps it waits for ever: give real
/// processes the real clock.
public final class ManualWallClock: WallClock, @unchecked Sendable {
    private typealias Waiter = CheckedContinuation<Void, any Error>
    private struct Sleeper { let deadline: Date; let waiter: Waiter }
    private struct Watcher { let count: Int; let waiter: Waiter }

    private let lock = NSLock()
    private var current: Date
    private var sleepers: [Int: Sleeper] = [:]
    private var watchers: [Int: Watcher] = [:]
    private var lastID = 0

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func sleep(until deadline: Date) async throws {
        try await suspend { id, waiter in
            guard deadline > current else { return [waiter] }
            sleepers[id] = Sleeper(deadline: deadline, waiter: waiter)
            return takeSatisfiedWatchers()
        } cancel: { id in
            sleepers.removeValue(forKey: id)?.waiter
        }
    }

    /// Suspends until at least `count` sleepers wait on this clock (at once if they already do).
    public func waitForSleepers(_ count: Int = 1) async throws {
        try await suspend { id, waiter in
            guard sleepers.count < count else { return [waiter] }
            watchers[id] = Watcher(count: count, waiter: waiter)
            return []
        } cancel: { id in
            watchers.removeValue(forKey: id)?.waiter
        }
    }

    /// The deadlines of the sleepers waiting now, earliest first.
    public var sleeperDeadlines: [Date] { lock.withLock { sleepers.values.map(\.deadline).sorted() } }

    /// Moves "now" on by `seconds` and wakes every sleeper whose deadline it reached, earliest first.
    public func advance(by seconds: TimeInterval) {
        wake { current = current.addingTimeInterval(seconds) }
    }

    /// Sets "now" (backwards too) and wakes every sleeper whose deadline it reached, earliest first.
    public func set(_ date: Date) {
        wake { current = date }
    }

    private func wake(_ move: () -> Void) {
        let due: [Sleeper] = lock.withLock {
            move()
            let due = sleepers.filter { $0.value.deadline <= current }
            for id in due.keys { sleepers.removeValue(forKey: id) }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.waiter.resume() }
    }

    /// Watchers whose count the sleepers now reach, removed. Lock held.
    private func takeSatisfiedWatchers() -> [Waiter] {
        let satisfied = watchers.filter { $0.value.count <= sleepers.count }
        for id in satisfied.keys { watchers.removeValue(forKey: id) }
        return satisfied.values.map(\.waiter)
    }

    /// Suspends the task under a fresh id: `register` (lock held) files its continuation and returns
    /// the continuations to resume now (its own, when it need not wait); `cancel` (lock held) takes it
    /// back out when the task is cancelled. The lock orders the two: either `register` runs after the
    /// task's cancelled flag was set and sees it, or the handler, which runs after the flag is set,
    /// finds the continuation `register` filed.
    private func suspend(register: (Int, Waiter) -> [Waiter], cancel: @Sendable (Int) -> Waiter?) async throws {
        let id = lock.withLock { lastID += 1; return lastID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                let resumeNow: [Waiter]? = lock.withLock { Task.isCancelled ? nil : register(id, waiter) }
                guard let resumeNow else { return waiter.resume(throwing: CancellationError()) }
                for ready in resumeNow { ready.resume() }
            }
        } onCancel: {
            lock.withLock { cancel(id) }?.resume(throwing: CancellationError())
        }
    }
}
