import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayWork

/// tmux's pane-died hook and the daemon's health check may both see one death; the reviver makes sure
/// it is counted and restarted once.
struct ReviverHandoffTests {
    func mayor(in directory: TemporaryDirectory) async throws -> (AgentReviver, Ledger) {
        let town = try await installTown(in: directory)
        let (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url)
        let runtime = AgentRuntime.mayor(environment: environment, town: town, config: try town.loadConfig())
        return (AgentReviver(lifecycle: AgentLifecycle(runtime: runtime)), try runtime.openLedger())
    }

    @Test func aDeathAlreadyRecordedIsLeftToItsHandler() async throws {
        let directory = TemporaryDirectory("gw-reviver")
        let (reviver, ledger) = try await mayor(in: directory)
        try await ledger.recordAgentStart("mayor", profile: "sim", sessionId: "s1", at: Date(), note: nil)
        try await ledger.setAgentState("mayor", .dead, note: "died; restart 1 of at most 5")
        #expect(try await reviver.handleDeath() == .alreadyHandled)
        #expect(try await ledger.restartCount("mayor", since: Date().addingTimeInterval(-3600)) == 0)
        #expect(try await ledger.agent("mayor")?.note == "died; restart 1 of at most 5")
    }

    @Test func restartIfStillDeadLeavesAnAgentThatIsNotRecordedDead() async throws {
        let directory = TemporaryDirectory("gw-reviver")
        let (reviver, ledger) = try await mayor(in: directory)
        try await ledger.recordAgentStart("mayor", profile: "sim", sessionId: "s1", at: Date(), note: nil)
        for state in [AgentRecord.State.running, .stopped, .crashLoop] {
            try await ledger.setAgentState("mayor", state)
            #expect(try await reviver.restartIfStillDead() == false)
            #expect(try await ledger.agent("mayor")?.state == state)
        }
    }
}
