import Foundation
import GRDB
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// Scenario 2: the Mayor's real Claude Code killed with SIGKILL mid-turn, again and again. Each time the
/// turn in flight must be marked failed, the Mayor must be back (idle) within its backoff plus a margin,
/// in the same conversation (same session id, the transcript continued, the model sent the earlier
/// turns again). Kills are spread so the crash-loop guard never trips in that run; then the Mayor is
/// killed as fast as it comes back, and the guard must trip at exactly the death the limits name.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct FaultMayorKillTests {
    static let limit = 3
    /// Long enough that `limit` restarts fit in it however slowly a loaded machine starts Claude Code
    /// (each restart is a kill, the backoff, a start and the test seeing it), so the guard can trip.
    static let window: TimeInterval = 60
    /// How much longer than its backoff a restart may take on a loaded machine (Claude's own start-up).
    static let margin: TimeInterval = 45

    static let rules = """
        [[rule]]
        match = "think slowly"
        reply = "Thought slowly."
        delay = "60s"

        [[rule]]
        match = "what was the word"
        reply = "The word was lighthouse."
        """

    @Test func aKilledMayorComesBackWithItsContextAndTheGuardTripsOnCount() async throws {
        var tally = FaultTally("mayor-kill")
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules), config: TestTown.quickMayor, """
            [mayor]
            restart_backoff = "1s"
            restart_backoff_max = "2s"
            crash_loop_restarts = \(Self.limit)
            crash_loop_window = "\(Int(Self.window))s"
            """)
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "120s", "remember the word lighthouse"])
        let session = try #require(try await town.agent()?.sessionId)
        var lastContext = 0
        for kill in 1...FaultPlan.trials(short: 3, full: 50) {
            tally.trials += 1
            do {
                try await killMidTurn(kill, town: town, session: session, lastContext: &lastContext, tally: &tally)
            } catch {
                tally.fail("kill \(kill): \(error)")
                // Without a Mayor to kill, the rest of the run would only repeat this failure.
                if try await town.status().state != "idle" { break }
            }
        }
        tally.trials += 1
        do {
            try await crashLoop(town: town, tally: &tally)
        } catch {
            tally.fail("crash loop: \(error)")
        }
        tally.finish()
    }

    /// One spread kill: a slow turn submitted, the pane's process killed, then the checks.
    func killMidTurn(_ kill: Int, town: TestTown, session: String, lastContext: inout Int, tally: inout FaultTally) async throws {
        // Spread: at most limit - 1 restarts in the window when this death is counted, so it is restarted.
        try await town.wait("the restart window to have room", timeout: Self.window + 10) { () -> Bool? in
            try await restartsInWindow(town, at: Date()) < Self.limit ? true : nil
        }
        let before = try await town.agent()?.restarts ?? 0
        try await town.gwOK(["mayor", "send", "--timeout", "90s", "think slowly, kill \(kill)"])
        let turn = try #require(try await town.turns().last)
        guard turn.state == .submitted else { throw GatewayError("the slow turn was \(turn.state.rawValue) before the kill") }
        let killedAt = Date()
        Foundation.kill(try await town.panePID(), SIGKILL)
        tally.faults += 1
        let failed = try await town.wait("turn \(turn.id) marked failed", timeout: 60) { () -> Turn? in
            _ = try await town.status()
            return try await town.ledger().turn(turn.id).flatMap { $0.state.hasEnded ? $0 : nil }
        }
        if failed.state != .failed || failed.error != "the agent died during the turn" {
            tally.fail("kill \(kill): the turn in flight ended \(failed.state.rawValue) (\(failed.error ?? "no error"))")
        }
        try await town.waitForRestart(before + 1)
        // Timed by the Mayor's own event — the SessionStart its restarted Claude Code recorded — not by
        // when this test's polling saw it back, which a loaded machine may delay by any amount.
        let cameUp = try await town.ledger().firstEvent("SessionStart", agent: "mayor", after: killedAt)
        let back = (cameUp ?? Date()).timeIntervalSince(killedAt)
        let times = try await town.ledger().restartTimes("mayor")
        let died = try #require(times.last)
        let count = times.filter { $0 >= died.addingTimeInterval(-Self.window) }.count
        let backoff = AgentReviver.backoff(restart: count, base: .seconds(1), maximum: .seconds(2))
        if back > backoff + Self.margin { tally.fail("kill \(kill): back after \(Int(back)) s, backoff \(backoff) s") }
        if try await town.agent()?.sessionId != session { tally.fail("kill \(kill): a new session, not \(session)") }
        try await checkContext(kill, town: town, lastContext: &lastContext, tally: &tally)
    }

    /// The conversation survived: the transcript still holds the first prompt, and the model got every
    /// earlier turn again with the question (more messages each time).
    func checkContext(_ kill: Int, town: TestTown, lastContext: inout Int, tally: inout FaultTally) async throws {
        let model = try #require(town.model)
        let asked = try model.requests().count
        let reply = try await town.gw(["mayor", "send", "--wait", "--timeout", "120s", "what was the word? (after kill \(kill))"])
        if reply.status != 0 || reply.stdout != "The word was lighthouse.\n" {
            tally.fail("kill \(kill): the question after the restart got \(reply.status) \(reply.stdout.prefix(80)) \(reply.stderr.prefix(200))")
            return
        }
        let request = try model.requests().dropFirst(asked).last { ($0["last_user_text"] as? String)?.contains("after kill \(kill)") == true && ($0["tools"] as? Int ?? 0) > 0 }
        let messages = request?["messages"] as? Int ?? 0
        // The first prompt and its answer, the slow prompts, the earlier questions and answers.
        if messages <= max(lastContext, 2) { tally.lose("kill \(kill): the model got \(messages) messages, before \(lastContext): the context is gone") }
        lastContext = messages
        let session = try #require(try await town.agent()?.sessionId)
        let transcript = try String(contentsOf: try town.runtime().transcriptPath(sessionId: session), encoding: .utf8)
        if !transcript.contains("remember the word lighthouse") || !transcript.contains("after kill \(kill)") {
            tally.lose("kill \(kill): the transcript of \(session) does not hold the whole conversation")
        }
    }

    /// Kills the Mayor each time it comes back. Every death with fewer than `limit` restarts in the
    /// window before it must be restarted; the first with `limit` must trip the guard, and nothing
    /// may restart it after that.
    func crashLoop(town: TestTown, tally: inout FaultTally) async throws {
        // A clean window, so the guard must trip at death limit + 1 exactly.
        try await town.wait("an empty restart window", timeout: Self.window + 10) { () -> Bool? in
            try await restartsInWindow(town, at: Date()) == 0 ? true : nil
        }
        var deaths = 0
        var tripRestarts = -1
        // Normally the guard trips at death limit + 1; a slow machine may let the oldest restart leave
        // the window first, and then the judgement below expects a later trip.
        while deaths < Self.limit + 4 {
            let restarts = try await town.agent()?.restarts ?? 0
            let pid = try await town.panePID()
            let killedAt = Date()
            Foundation.kill(pid, SIGKILL)
            deaths += 1
            tally.faults += 1
            let outcome = try await town.wait("the decision after death \(deaths)", timeout: 60) { () -> String? in
                let status = try await town.status()
                if status.state == "crash_loop" { return "crash_loop" }
                guard status.restarts == restarts + 1, status.state != "dead" else { return nil }
                return (try? await town.panePID()) != pid ? "restarted" : nil
            }
            // What the limits say for a death between the kill and now: tripped when `limit` restarts
            // lie in the window before it. Both ends of that span must agree, or it is too close to call.
            let expected = (try await restartsInWindow(town, at: killedAt, before: killedAt),
                            try await restartsInWindow(town, at: Date(), before: killedAt))
            if expected.0 != expected.1 {
                print("mayor-kill: death \(deaths) came as a restart left the window; not judged")
            } else if (expected.0 >= Self.limit) != (outcome == "crash_loop") {
                tally.fail("death \(deaths) with \(expected.0) restarts in the window: \(outcome), limit \(Self.limit)")
            }
            if outcome == "crash_loop" {
                tripRestarts = restarts
                break
            }
            try await town.wait("the restarted Mayor's process", timeout: 60) { () -> Bool? in
                await AgentLifecycle(runtime: try town.runtime()).isRunning() ? true : nil
            }
        }
        if tripRestarts < 0 { tally.fail("the guard never tripped in \(deaths) deaths") }
        if deaths != Self.limit + 1 { print("mayor-kill: the guard tripped at death \(deaths), the window having moved on") }
        // No restart comes after the guard tripped: the handler that tripped it has exited, and no
        // daemon runs to restart the Mayor otherwise.
        try await town.waitForDeathHandlersToExit()
        let status = try await town.status()
        let running = await AgentLifecycle(runtime: try town.runtime()).isRunning()
        if status.state != "crash_loop" || running || status.restarts != tripRestarts {
            tally.fail("after the crash loop the Mayor is \(status.state), restarts \(status.restarts)")
        }
    }

    /// Restarts recorded in the window that ends at `date`, counting only those before `before`.
    func restartsInWindow(_ town: TestTown, at date: Date, before: Date? = nil) async throws -> Int {
        try await town.ledger().restartTimes("mayor").filter { $0 >= date.addingTimeInterval(-Self.window) && $0 < (before ?? date) }.count
    }
}

extension Ledger {
    /// When the agent's first `event` hook after `date` was recorded (by the hook's own process).
    func firstEvent(_ event: String, agent: String, after date: Date) throws -> Date? {
        try database.read { db in
            try Double.fetchOne(db, sql: "SELECT received_at FROM agent_events WHERE agent = ? AND event = ? AND received_at > ? ORDER BY id LIMIT 1",
                                arguments: [agent, event, date.timeIntervalSince1970])
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    /// When the agent's restarts were recorded (the moment each death was handled), oldest first.
    func restartTimes(_ agent: String) throws -> [Date] {
        try database.read { db in
            try Double.fetchAll(db, sql: "SELECT at FROM agent_restarts WHERE agent = ? ORDER BY at", arguments: [agent])
                .map(Date.init(timeIntervalSince1970:))
        }
    }
}
