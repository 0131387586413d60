import Foundation

/// Runs a call that blocks for an unknown time (a contended flock, waitpid on a child) on a thread of
/// its own and awaits it. Not on Swift's cooperative threads, of which there are as many as cores (two
/// here), nor on GCD's global queues: on Linux Swift's executor shares GCD's thread pool, and a few
/// blocked GCD threads starve every task in the process until the pool notices and grows — seconds.
/// A thread costs tens of microseconds, nothing beside the wait it serves.
enum BlockingWait {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result(catching: body)) }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }
}
