import Foundation

/// A call that outlived the time it was given; the loop that made it moved on without it.
public struct AbandonedCall: Error, Sendable, CustomStringConvertible {
    public var what: String
    public var after: TimeInterval

    public var description: String { "\(what) gave no answer within \(Int(after)) s and was abandoned" }
}

/// Runs `operation` and returns what it returns — or throws `AbandonedCall` once `limit` has passed on
/// `clock` without an answer. Unlike a task group, which waits for every child, the caller does not wait
/// for an operation stuck where cancellation cannot reach (a child process that ignores its own time
/// limit, a lock held elsewhere): the operation is cancelled and left to end by itself, so whatever it
/// still does must be harmless to repeat.
public func abandoning<T: Sendable>(
    _ what: String, after limit: TimeInterval, clock: any WallClock,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            outcome.attach(continuation)
            let work = Task {
                do { outcome.finish(.success(try await operation())) } catch { outcome.finish(.failure(error)) }
            }
            let timer = Task {
                try? await clock.sleep(for: .seconds(limit))
                guard !Task.isCancelled else { return }
                if outcome.finish(.failure(AbandonedCall(what: what, after: limit))) { work.cancel() }
            }
            outcome.onFinish { timer.cancel() }
            outcome.onCancel { work.cancel() }
        }
    } onCancel: {
        outcome.cancel()
    }
}

/// The first of the operation's answer, the timer and the caller's cancellation; later ones are ignored.
private final class FirstOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    /// What finished before the continuation was attached (a caller cancelled on the way in).
    private var early: Result<T, any Error>?
    private var finished = false
    private var finishAction: (@Sendable () -> Void)?
    private var cancelAction: (@Sendable () -> Void)?
    private var cancelled = false

    func attach(_ continuation: CheckedContinuation<T, any Error>) {
        let early = lock.withLock { () -> Result<T, any Error>? in
            if let early = self.early { return early }
            self.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Resumes the caller with `result` if nothing did yet (or leaves it for `attach`); true when this
    /// call was the first.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let first = lock.withLock { () -> (resume: CheckedContinuation<T, any Error>?, action: (@Sendable () -> Void)?)? in
            guard !finished else { return nil }
            finished = true
            if continuation == nil { early = result }
            defer { continuation = nil; finishAction = nil }
            return (continuation, finishAction)
        }
        guard let first else { return false }
        first.action?()
        first.resume?.resume(with: result)
        return true
    }

    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if finished { return true }
            finishAction = action
            return false
        }
        if now { action() }
    }

    func onCancel(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if cancelled { return true }
            cancelAction = action
            return false
        }
        if now { action() }
    }

    /// The caller was cancelled: it gets `CancellationError` at once, and the operation is cancelled.
    func cancel() {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            cancelled = true
            return cancelAction
        }
        action?()
        finish(.failure(CancellationError()))
    }
}
