import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

@Suite struct OutboxLedgerTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func request(_ source: String, _ target: String = "phone", text: String = "hello") -> NotificationRequest {
        NotificationRequest(source: source, target: target, title: "T", text: text)
    }

    @Test func theMigrationIsAddedAfterTheFoundation() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let applied = try await ledger.appliedMigrations()
        #expect(applied.first == "v1-foundation")
        #expect(applied.contains("v2-outbox"))
    }

    @Test func theSameSourceAndTargetIsEnqueuedOnce() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let first = try await ledger.enqueueNotification(request("heartbeat:run-7:news"), now: start)
        let again = try await ledger.enqueueNotification(request("heartbeat:run-7:news", text: "changed"), now: start)
        let otherTarget = try await ledger.enqueueNotification(request("heartbeat:run-7:news", "mail"), now: start)
        #expect(first.inserted && !again.inserted && otherTarget.inserted)
        #expect(again.entry.id == first.entry.id)
        #expect(again.entry.text == "hello")
        #expect(try await ledger.outboxEntries(limit: 100_000).count == 2)
        // A second process opening the same file sees the same rows.
        let other = try Ledger(file: directory.path("ledger.sqlite"))
        #expect(try await other.outboxEntries(limit: 100_000).map(\.key) == ["heartbeat:run-7:news|phone", "heartbeat:run-7:news|mail"])
    }

    @Test func stateCountsCoverEveryRowNotJustRecentOnes() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        var first: Int64 = 0
        for index in 0..<700 {
            let entry = try await ledger.enqueueNotification(request("bulk:\(index)"), now: start).entry
            if index == 0 { first = entry.id }
            if index >= 3 { try await ledger.markDelivered(entry.id, now: start) }
        }
        // The oldest row failed long ago: it must still be counted, as `gw status` shows these counts.
        try await ledger.markFailed(first, error: "gone", now: start)
        #expect(try await ledger.outboxStateCounts() == ["failed": 1, "pending": 2, "delivered": 697])
        #expect(try await ledger.outboxEntries(limit: 10).count == 10)
    }

    @Test func eachTargetIsDeliveredInOrder() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let a = try await ledger.enqueueNotification(request("a"), now: start).entry
        let b = try await ledger.enqueueNotification(request("b"), now: start).entry
        let c = try await ledger.enqueueNotification(request("c", "mail"), now: start).entry
        #expect(try await ledger.outboxHeads().map(\.id) == [a.id, c.id])
        // The head waiting for a retry holds back the row behind it.
        try await ledger.scheduleRetry(a.id, at: start.addingTimeInterval(60), error: "500", countAttempt: true, uncertain: false, now: start)
        #expect(try await ledger.claimDue(target: "phone", now: start) == nil)
        #expect(try await ledger.claimDue(target: "phone", now: start.addingTimeInterval(61))?.id == a.id)
        // A failed head no longer blocks: the next row becomes the head.
        try await ledger.markFailed(a.id, error: "gave up", now: start)
        #expect(try await ledger.claimDue(target: "phone", now: start)?.id == b.id)
        #expect(try await ledger.outboxEntry(a.id)?.attempts == 2)
    }

    @Test func rowsLeftSendingBecomeUncertainAndDueAgain() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let a = try await ledger.enqueueNotification(request("a"), now: start).entry
        try await ledger.markSending(a.id, now: start)
        #expect(try await ledger.claimDue(target: "phone", now: start) == nil)
        let recovered = try await ledger.recoverInterruptedNotifications(now: start)
        #expect(recovered.map(\.id) == [a.id])
        let row = try #require(try await ledger.outboxEntry(a.id))
        #expect(row.state == .uncertain)
        #expect(row.interruptions == 1)
        #expect(try await ledger.claimDue(target: "phone", now: start)?.id == a.id)
        try await ledger.markDelivered(a.id, now: start)
        #expect(try await ledger.outboxEntry(a.id)?.state == .delivered)
        #expect(try await ledger.recoverInterruptedNotifications(now: start).isEmpty)
    }

    @Test func aRowLeftSendingHoldsBackTheRowsBehindIt() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let a = try await ledger.enqueueNotification(request("a"), now: start).entry
        try await ledger.enqueueNotification(request("b"), now: start)
        try await ledger.markSending(a.id, now: start)
        // Whether the server has `a` is unknown until it is recovered: `b` must not overtake it.
        #expect(try await ledger.claimDue(target: "phone", now: start) == nil)
        try await ledger.recoverInterruptedNotifications(now: start)
        #expect(try await ledger.claimDue(target: "phone", now: start)?.id == a.id)
    }

    /// The live worker itself leaves a row `sending` when the ledger fails to record a call's outcome
    /// (a lock held past the busy timeout, a full disk). Its next pass must deliver that row again before
    /// the ones behind it, not leave it to the next daemon.
    @Test func theNextPassRecoversARowTheLiveWorkerLeftSending() async throws {
        let rig = try await NotifyTestRig("[notify.targets.screen]\nkind = \"console\"")
        let one = try await rig.enqueue("manual:1", target: "screen", text: "one")
        let two = try await rig.enqueue("manual:2", target: "screen", text: "two")
        let lease = try #require(try await OutboxLease.acquire(OutboxLease.file(for: rig.town), until: Date().addingTimeInterval(5), clock: SystemWallClock()))
        defer { lease.release() }
        try await rig.worker.recover(lease)
        try await rig.ledger.markSending(one.id, now: Date())
        let round = try await rig.worker.deliverDue(now: Date(), lease: lease)
        #expect(round.delivered == [one.id, two.id])
        #expect(rig.output.stdout == "[notify screen] Gateway: one\n[notify screen] Gateway: two\n")
        #expect(try await rig.ledger.outboxEntry(one.id)?.interruptions == 1, "shown as a possible duplicate")
    }

    @Test func retryRevivesAFailedRowButNotADeliveredOne() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let a = try await ledger.enqueueNotification(request("a"), now: start).entry
        try await ledger.markFailed(a.id, error: "401", now: start)
        let revived = try await ledger.retryNotification(a.id, now: start.addingTimeInterval(5))
        #expect(revived.state == .pending)
        #expect(revived.attempts == 0)
        try await ledger.markDelivered(a.id, now: start)
        await #expect(throws: GatewayError.self) { try await ledger.retryNotification(a.id, now: start) }
        do {
            _ = try await ledger.retryNotification(999, now: start)
            Issue.record("retrying a missing id succeeded")
        } catch let error as GatewayError {
            #expect(error.message == "no notification with id 999: list them with `gw notify outbox`")
        }
    }

    @Test func theMessageIDIsStableForAKey() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let a = try await ledger.enqueueNotification(request("sling:42"), now: start).entry
        let b = try await ledger.enqueueNotification(request("sling:43"), now: start).entry
        #expect(a.messageID(domain: "example.com") == a.messageID(domain: "example.com"))
        #expect(a.messageID(domain: "example.com") != b.messageID(domain: "example.com"))
        #expect(a.messageID(domain: "example.com").hasSuffix("@example.com>"))
    }

    @Test func backoffDoublesUpToItsCap() async throws {
        let rig = try await NotifyTestRig("[notify]\nbackoff = \"2s\"\nmax_backoff = \"10s\"\n[notify.targets.term]\nkind = \"console\"")
        #expect((1...5).map { rig.worker.backoff(attempts: $0) } == [2, 4, 8, 10, 10])
    }
}
