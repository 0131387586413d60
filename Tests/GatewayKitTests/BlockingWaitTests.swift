import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Waiting for something slow outside the process — a lock, a child — must leave Swift's threads free:
/// a daemon waiting on a hook's lock or a slow curl still runs its other loops. Each test makes more
/// waiters than Swift has threads, all stuck behind a lock the test holds, then checks that the test
/// itself still runs: it sees every waiter blocked on the lock and releases them. Were the waiters holding
/// Swift's threads, it could not, until a safety timer let go of the lock after 60 s. (Not a timing
/// threshold: other suites running beside this one may hold Swift's threads for seconds.)
@Suite struct BlockingWaitTests {
    static var waiters: Int { ProcessInfo.processInfo.activeProcessorCount + 2 }

    @Test func waitingForALockHeldElsewhereStarvesNoOtherTask() async throws {
        let directory = TemporaryDirectory()
        let held = try HeldLock(directory.path("busy.lock"), releaseAfter: 60)
        let got = LockedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.waiters {
                group.addTask { try await FileLock.withLockAsync(held.url) { got.add() } }
            }
            // Every waiter provably blocked on the lock (the kernel lists each), not a guessed while.
            try await pollUntil("\(Self.waiters) waiters blocked on the lock") {
                try KernelFacts.flockWaiters(on: held.url).count >= Self.waiters ? true : nil
            }
            #expect(!held.releasedByTimer, "the test could run again only once the timer let go of the lock")
            #expect(got.value == 0, "nobody got the lock while it was held")
            held.release()
            try await group.waitForAll()
        }
        #expect(got.value == Self.waiters, "every waiter got the lock once it was free")
    }

    @Test func slowChildrenStarveNoOtherTask() async throws {
        let directory = TemporaryDirectory()
        let held = try HeldLock(directory.path("children.lock"), releaseAfter: 60)
        let flock = try flockProgram()
        let ended = LockedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.waiters {
                group.addTask {
                    let result = try await LiveProcessRunner().run(Command(flock, [held.url.path, "true"]))
                    #expect(result.succeeded, "\(result.stderr)")
                    ended.add()
                }
            }
            // Every waiter provably blocked on the lock (the kernel lists each), not a guessed while.
            try await pollUntil("\(Self.waiters) waiters blocked on the lock") {
                try KernelFacts.flockWaiters(on: held.url).count >= Self.waiters ? true : nil
            }
            #expect(!held.releasedByTimer, "the test could run again only once the timer let go of the lock")
            #expect(ended.value == 0, "no child got past the lock while it was held")
            held.release()
            try await group.waitForAll()
        }
        #expect(ended.value == Self.waiters)
    }
}

/// A counter several tasks add to.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
