import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
@testable import GatewayHeartbeat
import GatewayTestSupport

/// A beat that calls the Mayor is written whole — beat, marks, convoy, queued prompt, run row — or not
/// at all, so a daemon killed between those writes can never leave a beat recorded as run (its tasks'
/// marks moved on) whose prompt was never sent or whose reply nobody handles.
@Suite struct BeatRecordTests {
    static let document = try! HeartbeatDocument.parse("""
        ## Inbox
        - look

        ## Weekly report
        > schedule: every 7d
        - write it
        """)

    func decision(at now: Date) throws -> BeatDecision {
        let scheduler = HeartbeatScheduler(settings: .test(zone: "UTC", organizeAt: nil), document: Self.document, startedAt: now.addingTimeInterval(-3600))
        guard case .beat(let decision) = scheduler.tick(now: now, marks: .none) else { throw GatewayError("expected a beat") }
        return decision
    }

    @Test func aBeatRunIsRecordedWithItsConvoyTurnAndRunInOneGo() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let decision = try decision(at: now)
        let first = try await ledger.recordBeatRun(decision, convoyTitle: "Heartbeat", prompt: "the prompt", at: now)
        #expect(first.created)
        let run = try #require(try await ledger.heartbeatRun(beatId: first.beatId))
        #expect(run.state == "sent" && run.tasks == ["Inbox", "Weekly report"])
        let turn = try #require(try await ledger.turn(run.turnId))
        #expect(turn.state == .queued && turn.text == "the prompt" && turn.source == "heartbeat:\(first.beatId)")
        #expect(try await ledger.convoy(run.convoyId)?.items.map(\.state) == [.running, .running])
        #expect(try await ledger.loadHeartbeatMarks().tasks["weekly report"]?.lastRun == now)

        // The same beat again (a retry) adds nothing.
        let again = try await ledger.recordBeatRun(decision, convoyTitle: "Heartbeat", prompt: "the prompt", at: now)
        #expect(again.beatId == first.beatId && !again.created)
        #expect(try await ledger.recentTurns(agent: "mayor", limit: 10).count == 1)
        #expect(try await ledger.heartbeatHistory().count == 1)
    }

    @Test func aBeatWhoseRunCannotBeWrittenIsNotRecordedAndItsTasksStayDue() async throws {
        let directory = TemporaryDirectory()
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var decision = try decision(at: now)
        // A plan whose convoy cannot be written (no items) fails inside the transaction, as a kill would.
        decision.plan.dueTasks = []
        await #expect(throws: GatewayError.self) {
            try await ledger.recordBeatRun(decision, convoyTitle: "Heartbeat", prompt: "the prompt", at: now)
        }
        #expect(try await ledger.heartbeatHistory().isEmpty)
        #expect(try await ledger.loadHeartbeatMarks() == .none, "the marks did not move: the tasks are still due")
        #expect(try await ledger.recentTurns(agent: "mayor", limit: 10).isEmpty)
    }
}

/// A finding's alert is claimed and queued in one transaction: handling the same beat again (after a
/// daemon was killed mid-handling) queues nothing twice and loses nothing; an identical finding of
/// another beat within the window is suppressed.
@Suite struct AlertClaimTests {
    func request(beat: Int, target: String) -> NotificationRequest {
        NotificationRequest(source: "heartbeat:\(beat):inbox", target: target, title: "Inbox", text: "Finding", priority: .normal)
    }

    @Test func handlingABeatAgainQueuesNothingTwiceAndAnotherBeatIsSuppressed() async throws {
        let directory = TemporaryDirectory("gw-alert-claim")
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let now = Date()
        let since = now.addingTimeInterval(-86_400)
        let first = [request(beat: 1, target: "phone"), request(beat: 1, target: "mail")]
        #expect(try await ledger.enqueueAlert("inbox|finding", requests: first, at: now, since: since))
        #expect(try await ledger.enqueueAlert("inbox|finding", requests: first, at: now, since: since), "the same beat again")
        #expect(try await ledger.outboxEntries(limit: 100_000).count == 2)
        #expect(try await !ledger.enqueueAlert("inbox|finding", requests: [request(beat: 2, target: "phone")], at: now, since: since))
        #expect(try await ledger.outboxEntries(limit: 100_000).count == 2)
        #expect(try await ledger.enqueueAlert("inbox|finding", requests: [request(beat: 3, target: "phone")],
                                              at: now.addingTimeInterval(90_000), since: now.addingTimeInterval(90_000 - 86_400)),
                "a day later it is sent again")
        #expect(try await ledger.outboxEntries(limit: 100_000).count == 3)
    }
}
