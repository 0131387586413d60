import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayWork
import GatewayTestSupport

/// tmux's pane-died hook and the daemon's health check may both see one death; the reviver makes sure
/// it is counted and restarted once.
struct ReviverHandoffTests {
    func mayor(in town: TestTown) throws -> (AgentReviver, Ledger) {
        let runtime = try town.runtime()
        return (AgentReviver(lifecycle: AgentLifecycle(runtime: runtime)), try runtime.openLedger())
    }

    @Test func aDeathAlreadyRecordedIsLeftToItsHandler() async throws {
        let town = try await TestTown()
        defer { town.close() }
        let (reviver, ledger) = try mayor(in: town)
        try await ledger.recordAgentStart("mayor", profile: "sim", sessionId: "s1", at: Date(), note: nil)
        try await ledger.setAgentState("mayor", .dead, note: "died; restart 1 of at most 5")
        #expect(try await reviver.handleDeath() == .alreadyHandled)
        #expect(try await ledger.restartCount("mayor", since: Date().addingTimeInterval(-3600)) == 0)
        #expect(try await ledger.agent("mayor")?.note == "died; restart 1 of at most 5")
    }

    @Test func restartIfStillDeadLeavesAnAgentThatIsNotRecordedDead() async throws {
        let town = try await TestTown()
        defer { town.close() }
        let (reviver, ledger) = try mayor(in: town)
        try await ledger.recordAgentStart("mayor", profile: "sim", sessionId: "s1", at: Date(), note: nil)
        for state in [AgentRecord.State.running, .stopped, .crashLoop] {
            try await ledger.setAgentState("mayor", state)
            #expect(try await reviver.restartIfStillDead() == false)
            #expect(try await ledger.agent("mayor")?.state == state)
        }
    }
}
