import Foundation

/// A signal one task gives others that something changed: `ring()` counts, and a waiter returns once the
/// count has moved past the one it read before it looked. Reading the count first, then looking at the
/// ledger, then waiting, means a ring that lands while it looks is never lost — the wait returns at once.
/// The daemon's services wait on these instead of polling.
public final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var rings: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var lastWaiter: UInt64 = 0

    public init() {}

    /// How many times it has rung. Read it before looking, and wait after it.
    public var count: UInt64 { lock.withLock { rings } }

    /// Wakes every waiter, and any later one that read the count before this ring.
    public func ring() {
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            rings &+= 1
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once it has rung after `seen` (at once when it already has), or when the task is cancelled.
    public func wait(after seen: UInt64) async {
        let id = lock.withLock { () -> UInt64 in
            lastWaiter &+= 1
            return lastWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock { () -> Bool in
                    if rings != seen || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Waits as `wait(after:)` does, or until `sleep` returns (the caller's deadline, on the caller's
    /// clock), whichever comes first. True when it rang after `seen`.
    public func wait(after seen: UInt64, orUntil sleep: @escaping @Sendable () async throws -> Void) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: seen) }
            group.addTask { try? await sleep() }
            await group.next()
            group.cancelAll()
        }
        return count != seen
    }
}
