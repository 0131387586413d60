import Foundation
import Testing
@testable import GatewayCore
import GatewayTestSupport

/// A call given a time limit it cannot be made to keep (the chat's long poll): the caller moves on at
/// the limit, without waiting for the call, which ends by itself later. Time is stepped by hand.
@Suite struct AbandoningTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A call stuck where cancellation does not reach it, until the test lets it go.
    final class StuckCall: @unchecked Sendable {
        private let lock = NSLock()
        private var waiter: CheckedContinuation<Void, Never>?
        private var released = false
        let entered = Wakeup()

        func run() async -> String {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = lock.withLock { () -> Bool in
                    if released { return true }
                    waiter = continuation
                    return false
                }
                entered.ring()
                if now { continuation.resume() }
            }
            return "late answer"
        }

        func release() {
            let waiter = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                released = true
                defer { self.waiter = nil }
                return self.waiter
            }
            waiter?.resume()
        }
    }

    @Test func anAnswerInTimeIsReturnedAndItsTimerStops() async throws {
        let clock = ManualWallClock(Self.start)
        let answer = try await abandoning("call", after: 60, clock: clock) { "on time" }
        #expect(answer == "on time")
        // The timer was cancelled, not left asleep for the rest of the minute.
        try await waitUntil(timeout: 10, "the timer gone") { clock.sleeperDeadlines.isEmpty }
    }

    @Test func aStuckCallIsLeftBehindAtTheLimitAndEndsByItselfLater() async throws {
        let clock = ManualWallClock(Self.start)
        let stuck = StuckCall()
        let seen = stuck.entered.count
        let caller = Task { try await abandoning("getUpdates", after: 125, clock: clock) { await stuck.run() } }
        await stuck.entered.wait(after: seen)
        try await clock.waitForSleepers(1)
        #expect(clock.sleeperDeadlines == [Self.start.addingTimeInterval(125)])
        clock.advance(by: 124)
        #expect(clock.sleeperDeadlines.count == 1, "a second early, the caller still waits")
        clock.advance(by: 1)
        await #expect { try await caller.value } throws: { error in
            (error as? AbandonedCall)?.description == "getUpdates gave no answer within 125 s and was abandoned"
        }
        // The call itself is still stuck (nothing could stop it); let go, it ends and changes nothing.
        stuck.release()
    }

    @Test func theCallsOwnErrorComesThrough() async throws {
        let clock = ManualWallClock(Self.start)
        await #expect { try await abandoning("call", after: 60, clock: clock) { () async throws -> Int in throw GatewayError("refused: 401") } } throws: { error in
            (error as? GatewayError)?.message == "refused: 401"
        }
    }

    @Test func aCancelledCallerStopsWaitingAtOnce() async throws {
        let clock = ManualWallClock(Self.start)
        let stuck = StuckCall()
        let seen = stuck.entered.count
        let caller = Task { try await abandoning("call", after: 3600, clock: clock) { await stuck.run() } }
        await stuck.entered.wait(after: seen)
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        stuck.release()
    }

    @Test func aCallerCancelledBeforeItStartsNeverWaits() async throws {
        let clock = ManualWallClock(Self.start)
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await abandoning("call", after: 3600, clock: clock) { () async throws -> Int in
                try await clock.sleep(for: .seconds(7200))
                return 1
            }
        }
        await #expect(throws: CancellationError.self) { try await caller.value }
    }
}
