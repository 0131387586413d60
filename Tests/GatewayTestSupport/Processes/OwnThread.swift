import Foundation

/// Runs a call that blocks — a semaphore, waitpid, a timed child — on a thread of its own and awaits it.
/// A test never blocks one of Swift's cooperative threads: there are as many as cores (two here), and
/// one held for seconds starves every other suite's tasks until their own waits run out.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result(catching: body)) }
        thread.stackSize = 512 * 1024
        thread.start()
    }
}

/// `onOwnThread` for a call that cannot fail.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 512 * 1024
        thread.start()
    }
}
