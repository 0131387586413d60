import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
@testable import GatewayHeartbeat
import GatewayTestSupport

/// The heartbeat against the real Claude Code and gw-model-sim: a beat that falls due while the Mayor
/// works on a slow model turn, or while a person types in its input line, waits — nothing is recorded,
/// nothing is pasted — and runs once the Mayor is free.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct BeatOnClaudeTests {
    /// The slow turn's answer is held until the test creates `gate`: the Mayor stays busy for exactly
    /// as long as the test checks that the beat waits, however slowly a loaded machine runs it.
    static func rules(gate: URL) -> String {
        """
        [[rule]]
        match = "think slowly"
        reply = "Thought slowly."
        hold_until = "\(gate.path)"
        delay = "1s"

        [[rule]]
        match = "Beat task"
        reply = "## Beat task\\nThe nightly build broke."
        delay = "4s"
        """
    }

    /// A town whose slow turn waits for the file `gate`, which does not exist yet.
    func town() async throws -> (TestTown, gate: URL) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gw-beat-gate-\(UUID().uuidString)")
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules(gate: file)), config: TestTown.quickMayor,
                                      "[heartbeat]\nevery = \"1s\"", heartbeat: "## Beat task\n- check the builds\n")
        return (town, file)
    }

    func runner(_ town: TestTown) -> BeatRunner {
        // Started a while ago, so a beat is due at once.
        BeatRunner(environment: town.environment, town: town.town, startedAt: Date().addingTimeInterval(-60))
    }

    @Test func aBeatDueDuringASlowModelTurnWaitsForIt() async throws {
        let (town, gate) = try await town()
        defer { town.close(); try? FileManager.default.removeItem(at: gate) }
        try await town.gwOK(["mayor", "send", "--timeout", "90s", "think slowly"])
        // The model holds its answer until the gate exists: however long these steps take, the turn
        // is still running while they run.
        #expect(try await town.gwOK(["mayor", "status"]).hasPrefix("Mayor: busy"))
        let runner = runner(town)
        _ = try await runner.step()
        let ledger = try Ledger(file: town.town.ledgerFile)
        #expect(try await ledger.heartbeatHistory().isEmpty, "the beat was not recorded while the Mayor worked")
        #expect(try await town.turns().count == 1, "nothing was pasted into the busy Mayor")
        #expect(try await town.turns().first?.state == .submitted, "the slow turn was still running when the beat was checked")
        // Once the slow turn has ended, the same beat runs, once.
        try Data().write(to: gate)
        try await town.wait("the slow turn done", timeout: 90) { try await town.turns().first?.state == .done ? true : nil }
        let beatId = try await town.wait("the beat sent", timeout: 60) { () async throws -> Int64? in
            _ = try await runner.step()
            return try await ledger.heartbeatHistory().first?.id
        }
        let report = try await HeartbeatWaiter(environment: runner.environment, town: town.town, runner: runner).waitForBeat(beatId, timeout: 90)
        #expect(report.convoy?.items.first?.summary == "The nightly build broke.")
        #expect(try await town.turns().map(\.state) == [.done, .done])
    }

    @Test func aBeatDueWhileAPersonTypesWaitsAndLeavesTheirText() async throws {
        let (town, _) = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        _ = try await town.tmuxOK(["send-keys", "-t", "=mayor:", "-l", "half typed by a person"])
        try await town.wait("the typed text on screen") { await town.screen().contains("half typed by a person") ? true : nil }
        _ = try await runner(town).step()
        let ledger = try Ledger(file: town.town.ledgerFile)
        #expect(try await ledger.heartbeatHistory().isEmpty)
        #expect(try await town.turns().isEmpty)
        #expect(await town.screen().contains("half typed by a person"))
    }

    /// The daemon killed with SIGKILL while the Mayor answers a beat: the real Claude finishes the turn on
    /// its own (its Stop hook records the reply), and the next daemon handles the beat — once.
    @Test func aBeatInterruptedByAKilledDaemonCompletesOnce() async throws {
        let (town, _) = try await town()
        defer { town.close() }
        try town.configure(TestTown.quickDaemon)
        try town.configure("[daemon]\npoll = \"200ms\"")
        let ledger = try town.ledger()
        let first = try town.spawnDaemon()
        try await town.wait("the Mayor started by the daemon", timeout: 90) { try await ledger.agent("mayor")?.state == .running ? true : nil }
        try await town.gwOK(["heartbeat", "now"])
        let run = try await town.wait("the beat's turn submitted", timeout: 90) { () async throws -> HeartbeatRun? in
            guard let run = try await ledger.unhandledHeartbeatRuns().first, try await ledger.turn(run.turnId)?.state == .submitted else { return nil }
            return run
        }
        first.signal(SIGKILL)
        _ = try await first.wait()
        try await town.wait("the turn done without a daemon", timeout: 90) { try await ledger.turn(run.turnId)?.state == .done ? true : nil }
        let second = try town.spawnDaemon()
        try await town.wait("the beat handled", timeout: 90) { try await ledger.heartbeatRun(beatId: run.beatId)?.state == "handled" ? true : nil }
        second.signal(SIGTERM)
        #expect(try await second.wait() == 0)
        #expect(try await ledger.heartbeatHistory().count == 1)
        #expect(try await town.turns().count == 1)
        let day = MemoryCalendar(config: try town.town.loadConfig()).day(of: Date())
        let log = try String(contentsOf: town.town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day)), encoding: .utf8)
        #expect(log.components(separatedBy: "The nightly build broke.").count == 2)
    }
}
