import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// A screen-read agent's turn is watched by the process that delivered it, until the screen is idle
/// again. When that process dies (the daemon's SIGKILL) part way, the next delivery finishes what it
/// can: a prompt still in the input line is submitted once and watched; a turn already submitted is
/// failed at once, saying why, instead of holding every later turn until `turn_timeout`.
@Suite(.serialized) struct ScreenInterruptedDeliveryTests {
    /// A town whose Mayor is the REPL of `ScreenAgentTests` (prompt `> `, 1 s "working on it...").
    static func replTown() async throws -> TestTown {
        let town = try await TestTown(config: TestTown.quickDaemon, "[mayor]\nagent = \"repl\"\nturn_timeout = \"10m\"\npaste_delay = \"300ms\"")
        let agent = town.directory.path("repl.sh")
        try ScreenAgentTests.repl.write(to: agent, atomically: true, encoding: .utf8)
        chmod(agent.path, 0o755)
        try town.configure(ScreenAgentTests.profile(command: agent.path))
        let start = try await town.gw(["mayor", "start"])
        #expect(start.succeeded, "\(start.stderr)")
        try await town.wait("the REPL's prompt") { await town.replScreen().hasSuffix(">") ? true : nil }
        return town
    }

    /// Pastes `text` into the REPL's input line the way `TurnDelivery` does, and waits to see it.
    static func paste(_ text: String, into town: TestTown) async throws {
        #expect(try await town.tmux(["set-buffer", "-b", "killed", "--", text]).succeeded)
        #expect(try await town.tmux(["paste-buffer", "-p", "-d", "-b", "killed", "-t", "=mayor:"]).succeeded)
        try await town.wait("the pasted prompt in the input line") { await town.replScreen().contains(text) ? true : nil }
    }

    static func answers(_ text: String, on town: TestTown) async -> Int {
        await town.replScreen().components(separatedBy: "answer: \(text)").count - 1
    }

    @Test func aQueuedPromptAlreadyPastedIsSubmittedOnceAndItsReplyRead() async throws {
        let town = try await Self.replTown()
        defer { town.close() }
        let text = "pasted just before the kill"
        let id = try await town.ledger().enqueueTurn(agent: "mayor", text: text, source: "test", at: Date())
        try await Self.paste(text, into: town)
        let deliver = try await town.gw(["mayor", "deliver", "--wait", "30s"])
        #expect(deliver.succeeded, "\(deliver.stdout)\(deliver.stderr)")
        let turn = try #require(try await town.ledger().turn(id))
        let screen = await town.replScreen()
        #expect(turn.state == .done && turn.reply == "answer: \(text)", "\(turn)\n\(screen)")
        #expect(turn.enterPresses == 1)
        #expect(await Self.answers(text, on: town) == 1, "submitted once, not pasted again")
    }

    @Test func aSentPromptWhoseEnterNeverCameIsSubmittedOnce() async throws {
        let town = try await Self.replTown()
        defer { town.close() }
        let text = "marked sent, then killed before Enter"
        let ledger = try town.ledger()
        let id = try await ledger.enqueueTurn(agent: "mayor", text: text, source: "test", at: Date())
        try await Self.paste(text, into: town)
        try await ledger.markTurnSent(id, at: Date())
        let deliver = try await town.gw(["mayor", "deliver", "--wait", "30s"])
        #expect(deliver.succeeded, "\(deliver.stdout)\(deliver.stderr)")
        let turn = try #require(try await ledger.turn(id))
        let screen = await town.replScreen()
        #expect(turn.state == .done && turn.reply == "answer: \(text)", "\(turn)\n\(screen)")
        #expect(turn.enterPresses == 2)
        #expect(await Self.answers(text, on: town) == 1)
    }

    /// Submitted, then its watcher killed: the daemon, with nothing queued, fails it within a few polls,
    /// and a later turn's reply is its own, not the orphan's.
    @Test func aSubmittedTurnThatLostItsWatcherFailsAndTheNextTurnRuns() async throws {
        let town = try await Self.replTown()
        defer { town.close() }
        let text = "submitted, then the watcher was killed"
        let ledger = try town.ledger()
        let orphan = try await ledger.enqueueTurn(agent: "mayor", text: text, source: "test", at: Date())
        try await Self.paste(text, into: town)
        try await ledger.markTurnSent(orphan, at: Date())
        #expect(try await town.tmux(["send-keys", "-t", "=mayor:", "Enter"]).succeeded)
        try await ledger.markTurnSubmitted(orphan, at: Date())

        let daemon = try town.spawnDaemon()
        let failed = try await town.wait("the orphaned turn failed", timeout: 30) { () async throws -> Turn? in
            guard let turn = try await ledger.turn(orphan), turn.state.hasEnded else { return nil }
            return turn
        }
        #expect(failed.state == .failed)
        #expect(failed.error?.contains("stopped before the turn ended") == true, "\(failed)")
        #expect(town.daemonLog.contains("turn \(orphan) lost the process watching its screen"), "\(town.daemonLog)")

        // Queued as `gw mayor send` queues it: the ledger, then the daemon's doorbell.
        let next = try await ledger.enqueueTurn(agent: "mayor", text: "the next question", source: "test", at: Date())
        DaemonDoorbell(town: town.town).ring(.turns)
        let done = try await town.wait("the next turn done") { () async throws -> Turn? in
            guard let turn = try await ledger.turn(next), turn.state.hasEnded else { return nil }
            return turn
        }
        let screen = await town.replScreen()
        #expect(done.state == .done && done.reply == "answer: the next question", "\(done)\n\(screen)")
        #expect(await Self.answers(text, on: town) == 1, "the orphan's prompt was not sent again")
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    @Test func aTurnWatchedByALiveDeliveryIsLeftToIt() async throws {
        let town = try await Self.replTown()
        defer { town.close() }
        let runtime = AgentRuntime.mayor(environment: town.environment,
                                         town: town.town, config: try town.town.loadConfig())
        try await FileLock.withLockAsync(runtime.deliveryLock) {
            #expect(FileLock.isHeld(runtime.deliveryLock))
        }
        #expect(!FileLock.isHeld(runtime.deliveryLock))
        // A slow turn watched by `gw mayor send --wait`: a daemon started meanwhile must not fail it.
        try ScreenAgentTests.repl.replacingOccurrences(of: "sleep 1", with: "sleep 4")
            .write(to: town.directory.path("repl.sh"), atomically: true, encoding: .utf8)
        chmod(town.directory.path("repl.sh").path, 0o755)
        let restart = try await town.gw(["mayor", "restart"])
        #expect(restart.succeeded, "\(restart.stdout)\(restart.stderr)")
        try await town.wait("the slow REPL's prompt") { await town.replScreen().hasSuffix(">") ? true : nil }
        let send = Task { try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", "a slow one"]) }
        let ledger = try town.ledger()
        try await town.wait("the slow turn submitted") { try await ledger.turnInFlight(agent: "mayor")?.state == .submitted ? true : nil }
        let daemon = try town.spawnDaemon()
        let result = try await send.value
        #expect(result.succeeded && result.stdout == "answer: a slow one\n", "\(result.stdout)\(result.stderr)")
        #expect(!town.daemonLog.contains("lost the process watching its screen"), "\(town.daemonLog)")
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }
}

extension TestTown {
    /// The Mayor's pane as text, trailing blanks trimmed (the REPL's idle screen ends in `>`).
    func replScreen() async -> String {
        ((try? await tmux(["capture-pane", "-p", "-J", "-t", "=mayor:"]))?.stdout ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
