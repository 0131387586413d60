import Foundation
import Testing
@testable import GatewayKit

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
