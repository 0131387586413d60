import Foundation
import Testing
@testable import GatewayCore
import GatewayTestSupport

/// The clock every wait goes through. The manual clock is stepped by hand and each test waits for the
/// event it needs (a sleeper filed, a task's value), so none sleeps for real or asserts after a pause.
@Suite struct WallClockTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aSleeperWakesWhenTheClockReachesItsDeadlineAndNotBefore() async throws {
        let clock = ManualWallClock(Self.start)
        let deadline = Self.start.addingTimeInterval(10)
        let sleeper = Task { try await clock.sleep(until: deadline); return clock.now() }
        try await clock.waitForSleepers(1)
        clock.advance(by: 9.5)
        #expect(clock.sleeperDeadlines == [deadline], "half a second early, it still sleeps")
        clock.advance(by: 0.5)
        #expect(clock.sleeperDeadlines.isEmpty, "woken by the step that reached its deadline")
        #expect(try await sleeper.value == deadline)
    }

    @Test func aStepWakesOnlyTheSleepersItReaches() async throws {
        let clock = ManualWallClock(Self.start)
        let early = Task { try await clock.sleep(for: .seconds(1)) }
        let late = Task { try await clock.sleep(for: .seconds(5)) }
        try await clock.waitForSleepers(2)
        clock.set(Self.start.addingTimeInterval(3))
        try await early.value
        #expect(clock.sleeperDeadlines == [Self.start.addingTimeInterval(5)])
        clock.advance(by: 2)
        try await late.value
    }

    @Test func aDeadlineAlreadyPassedDoesNotWait() async throws {
        let clock = ManualWallClock(Self.start)
        try await clock.sleep(until: Self.start)
        try await clock.sleep(until: Self.start.addingTimeInterval(-1))
        try await clock.sleep(for: .zero)
        #expect(clock.sleeperDeadlines.isEmpty)
    }

    @Test func cancellingASleeperEndsItsSleep() async throws {
        let clock = ManualWallClock(Self.start)
        let sleeper = Task { try await clock.sleep(for: .seconds(60)) }
        try await clock.waitForSleepers(1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperDeadlines.isEmpty, "a cancelled sleeper is forgotten")
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let clock = ManualWallClock(Self.start)
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(60))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperDeadlines.isEmpty)
    }

    @Test func cancellingEndsARealSleep() async throws {
        let sleeper = Task { try await SystemWallClock().sleep(for: .seconds(600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func pollingLooksAtOnceThenEveryIntervalUntilTheProbeAnswers() async throws {
        let clock = ManualWallClock(Self.start)
        let polling = Task { () -> (String, [Date]) in
            var looks: [Date] = []
            let value = try await clock.poll("the third look", every: .seconds(1), timeout: 10) { () -> String? in
                looks.append(clock.now())
                return looks.count == 3 ? "found" : nil
            }
            return (value, looks)
        }
        for _ in 0..<2 {
            try await clock.waitForSleepers(1)
            clock.advance(by: 1)
        }
        let (value, looks) = try await polling.value
        #expect(value == "found")
        #expect(looks == [0, 1, 2].map { Self.start.addingTimeInterval($0) })
    }

    @Test func pollingTimesOutSayingWhatItWaitedFor() async throws {
        let clock = ManualWallClock(Self.start)
        let polling = Task { () -> (String, [Date]) in
            var looks: [Date] = []
            do {
                _ = try await clock.poll("the file to appear", every: .seconds(4), timeout: 10) { () -> String? in
                    looks.append(clock.now())
                    return nil
                }
                return ("no timeout", looks)
            } catch {
                return (error.userMessage, looks)
            }
        }
        // The sleeps end at 4 and 8 s, then at the deadline itself rather than past it.
        for deadline in [4.0, 8, 10] {
            try await clock.waitForSleepers(1)
            #expect(clock.sleeperDeadlines == [Self.start.addingTimeInterval(deadline)])
            clock.set(Self.start.addingTimeInterval(deadline))
        }
        let (message, looks) = await polling.value
        #expect(message == "timed out after 10s waiting for the file to appear")
        #expect(looks == [0, 4, 8, 10].map { Self.start.addingTimeInterval($0) }, "the last look is at the deadline")
    }

    @Test func pollingStopsAtTheProbesError() async throws {
        let clock = ManualWallClock(Self.start)
        await #expect(throws: GatewayError("the process exited")) {
            try await clock.poll("a line", every: .seconds(1), timeout: 10) { () throws -> String? in
                throw GatewayError("the process exited")
            }
        }
        #expect(clock.now() == Self.start, "no time passed")
    }

    @Test func pollingOnTheRealClockReturnsTheValue() async throws {
        var looks = 0
        let value = try await SystemWallClock().poll(every: .milliseconds(1), until: Date().addingTimeInterval(60)) { () -> Int? in
            looks += 1
            return looks == 3 ? looks : nil
        }
        #expect(value == 3)
    }
}
