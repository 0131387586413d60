import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
import GatewayTestSupport

/// The Mayor's memory hooks with gw-agent-sim as the Mayor: its Stop hooks extract the conversation
/// from the transcript it writes, and its growing `usage` figures bring one flush turn, delivered at once.
@Suite struct SimMayorMemoryTests {
    /// Polls `condition` (state written by the agent's hook processes, which have no event to wait on).
    func eventually(_ what: String, timeout: TimeInterval = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try await !condition() {
            guard Date() < deadline else { throw GatewayError("timed out waiting until \(what)") }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    @Test func stopExtractsTheTurnsAndAGrowingContextBringsOneFlushWhoseDamageIsUndone() async throws {
        let rules = """
            [[rule]]
            match = "APPEND the durable facts"
            reply = "Added 1 entry."
            delay = "3s"
            """
        let rig = try await TestTown.beating(rules: rules, heartbeat: "")
        defer { rig.close() }
        try rig.configure("[memory]\nflush_at = 0.4\ncontext_window = 10000")
        let memory = MemoryStore(environment: rig.environment, town: rig.town, config: try rig.config)
        #expect(try await memory.append("The owner's flight leaves at 07:40").appended)

        let mayor = try rig.mayor()
        _ = try await mayor.start()
        let ledger = try rig.ledger()
        let delivery = TurnDelivery(lifecycle: mayor)
        func flushTurns() async throws -> [Turn] { try await ledger.recentTurns(agent: "mayor", limit: 20).filter { $0.source == "memory-flush" } }
        let day = memory.calendar.day(of: Date())
        let sessions = rig.town.mayorDirectory.appendingPathComponent(SessionLog.relativePath(day: day))

        // A short turn: extracted, and about 2,300 tokens of context — below 40% of 10,000.
        let hello = try await ledger.enqueueTurn(agent: "mayor", text: "hello there", source: "test", at: Date())
        try await delivery.deliverQueued(deadline: Date().addingTimeInterval(30))
        #expect(try await delivery.waitForEnd(hello, timeout: 30).state == .done)
        try await eventually("the session log holds the reply") {
            (try? FileSystem.readText(sessions))?.contains("ECHO: hello there") == true
        }
        #expect(try await flushTurns().isEmpty)

        // A long prompt pushes the context past 4,000 tokens: one flush turn is queued.
        let long = "Notes to keep: " + String(repeating: "the quarterly figures look fine. ", count: 300)
        let big = try await ledger.enqueueTurn(agent: "mayor", text: long, source: "test", at: Date())
        try await delivery.deliverQueued(deadline: Date().addingTimeInterval(30))
        #expect(try await delivery.waitForEnd(big, timeout: 30).state == .done)
        try await eventually("the flush turn is queued") { try await !flushTurns().isEmpty }
        let flush = try #require(try await flushTurns().first)
        #expect(flush.text.contains("APPEND") && flush.text.contains(MemoryLog.relativePath(day: day)))

        // Gateway delivers it by itself as soon as the Mayor is idle, not at the next beat.
        // Ends on the event; the bound is wide for a machine loaded by the rest of the suite.
        try await eventually("the flush turn is delivered", timeout: 90) { try await ledger.turn(flush.id)?.state == .submitted }
        // The flush turn rewrites the log instead of appending (done here while the double is busy).
        let log = rig.town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day))
        try FileSystem.writeAtomically("# \(day)\n\n- 12:00 The quarterly figures look fine\n", to: log)
        #expect(try await delivery.waitForEnd(flush.id, timeout: 30).state == .done)
        try await eventually("the flush turn was checked") { FlushState.load(rig.town).lastCheck != nil }
        let text = try FileSystem.readText(log)
        #expect(text.contains("The owner's flight leaves at 07:40"), "the earlier entry is restored")
        #expect(text.contains("The quarterly figures look fine"), "what the flush wrote is kept")
        #expect(try await flushTurns().count == 1, "one flush per compaction cycle")
        #expect(try FileSystem.readText(sessions).contains("Added 1 entry."))
    }
}
