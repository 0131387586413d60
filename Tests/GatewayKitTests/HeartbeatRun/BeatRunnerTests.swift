import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
@testable import GatewayHeartbeat
import GatewayCore
import GatewayTestSupport

/// The heartbeat end to end with real tmux and the terminal double as the Mayor.
@Suite(.serialized) struct BeatRunnerTests {
    static let tasks = """
        ## 每日资讯
        - 总结 3 条重要资讯

        ## Quiet check
        - answer HEARTBEAT_OK when nothing needs attention

        """

    static let findingRules = """
        [[rule]]
        match = "每日资讯"
        reply = "## 每日资讯\\n三条要闻：量子纠错突破。\\nURGENT: 重大突破\\n\\n## Quiet check\\nHEARTBEAT_OK"
        """

    @Test func aBeatStoresTheFindingCommitsItAndNotifiesOnce() async throws {
        let rig = try await TestTown.beating(rules: Self.findingRules, heartbeat: Self.tasks)
        defer { rig.close() }
        let runner = rig.runner()
        let (beat, skipped) = try await runner.runNow(tasks: [])
        let beatId = try #require(beat, "skipped: \(skipped ?? "")")
        let report = try await HeartbeatWaiter(environment: rig.environment, town: rig.town, runner: runner).waitForBeat(beatId, timeout: 60)
        #expect(!report.failed)
        let items = try #require(report.convoy?.items)
        #expect(items.map(\.state) == [.done, .done])
        #expect(items[1].summary == "HEARTBEAT_OK")
        let stored = try #require(items[0].result)
        #expect(stored.branch == "hooks/mayor")
        #expect(try rig.dailyLog().contains("三条要闻：量子纠错突破。"))
        await #expect(try shell("git log -1 --format=%H hooks/mayor", in: rig.town.root).hasPrefix(stored.commit))
        let outbox = try await rig.ledger().outboxEntries(limit: 10)
        #expect(outbox.count == 1, "one notification for the finding, none for HEARTBEAT_OK")
        #expect(outbox.first?.priority == .urgent)
        // The urgent line leads and is said once; the log keeps the section as the Mayor wrote it.
        #expect(outbox.first?.text == "重大突破\n\n三条要闻：量子纠错突破。")
        #expect(try rig.dailyLog().contains("URGENT: 重大突破"))
        // Handling the same beat again (as after a crash) changes nothing.
        try await BeatReplyHandler(environment: rig.environment, town: rig.town, context: try runner.load())
            .handle(try #require(try await rig.ledger().heartbeatRun(beatId: beatId)), turn: try #require(report.turn))
        #expect(try await rig.ledger().outboxEntries(limit: 10).count == 1)
        #expect(try rig.dailyLog().components(separatedBy: "三条要闻").count == 2)
    }

    @Test func anIdenticalAlertWithin24HoursIsNotSentAgain() async throws {
        let rig = try await TestTown.beating(rules: Self.findingRules, heartbeat: Self.tasks)
        defer { rig.close() }
        // Beats are keyed by their second: the clock steps past it rather than the test waiting it out.
        let clock = ShiftedWallClock()
        var environment = rig.environment
        environment.clock = clock
        let runner = BeatRunner(environment: environment, town: rig.town, startedAt: clock.now())
        for _ in 0..<2 {
            let beatId = try #require(try await runner.runNow(tasks: []).beatId)
            _ = try await HeartbeatWaiter(environment: environment, town: rig.town, runner: runner).waitForBeat(beatId, timeout: 60)
            clock.advance(by: 1.1)
        }
        #expect(try await rig.ledger().outboxEntries(limit: 10).count == 1)
    }

    @Test func anAllOKReplySendsNothing() async throws {
        let rules = """
            [[rule]]
            match = "Quiet check"
            reply = "HEARTBEAT_OK"
            """
        let rig = try await TestTown.beating(rules: rules, heartbeat: "## Quiet check\n- look around\n")
        defer { rig.close() }
        let runner = rig.runner()
        let beatId = try #require(try await runner.runNow(tasks: []).beatId)
        let report = try await HeartbeatWaiter(environment: rig.environment, town: rig.town, runner: runner).waitForBeat(beatId, timeout: 60)
        #expect(report.convoy?.items.map(\.summary) == ["HEARTBEAT_OK"])
        #expect(try await rig.ledger().outboxEntries(limit: 10).isEmpty)
        #expect(try !rig.dailyLog().contains("Quiet check"))
    }

    @Test func anEmptyHeartbeatFileMakesNoAgentCall() async throws {
        let rig = try await TestTown.beating(rules: "", heartbeat: "# nothing here\n\n## Later\n- \n")
        defer { rig.close() }
        let result = try await rig.runner().runNow(tasks: [])
        #expect(result.beatId == nil)
        #expect(try await rig.mayor().isRunning() == false, "no agent was started")
        #expect(try await rig.ledger().recentTurns(agent: "mayor", limit: 5).isEmpty)
    }

    @Test func aBusyMayorDefersTheBeat() async throws {
        // The slow answer is held until the gate exists: the Mayor is busy for as long as the checks take.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")
        let rules = """
            [[rule]]
            match = "think slowly"
            reply = "done thinking"
            hold_until = "\(gate.path)"
            delay = "1s"
            """
        let rig = try await TestTown.beating(rules: rules, heartbeat: "## Quiet check\n- look around\n")
        defer { rig.close(); try? FileManager.default.removeItem(at: gate) }
        let mayor = try rig.mayor()
        _ = try await mayor.start()
        let ledger = try rig.ledger()
        let slow = try await ledger.enqueueTurn(agent: "mayor", text: "think slowly", source: "test", at: Date())
        try await TurnDelivery(lifecycle: mayor).deliverQueued(deadline: Date().addingTimeInterval(20))
        #expect(try await ledger.turn(slow)?.state == .submitted)
        // While the Mayor works, a due beat is deferred: nothing is recorded, no second prompt is pasted.
        let busy = try await rig.runner().mayorBusy(try rig.runner().load())
        #expect(busy?.contains("busy") == true)
        try Data().write(to: gate)
        #expect(try await TurnDelivery(lifecycle: mayor).waitForEnd(slow, timeout: 120).state == .done)
        // Once the turn has ended (and the screen has caught up), the beat may go.
        try await pollUntil("the Mayor free for the beat") { () async throws -> Bool? in
            try await rig.runner().mayorBusy(try rig.runner().load()) == nil ? true : nil
        }
    }

    @Test func aPersonTypingDefersTheBeatAndKeepsTheirText() async throws {
        let rig = try await TestTown.beating(rules: "", heartbeat: "## Quiet check\n- look around\n")
        defer { rig.close() }
        let mayor = try rig.mayor()
        _ = try await mayor.start()
        _ = try await rig.tmux(["send-keys", "-t", "=mayor:", "-l", "half-typed thought"])
        // The double echoes the keys in its own time: wait until its input line shows them all.
        let profile = try rig.config.profile("sim")
        try await pollUntil("the typed text in the input line") {
            AgentScreen(text: try await mayor.capture(), profile: profile).inputText == "half-typed thought" ? true : nil
        }
        let runner = rig.runner()
        let reason = try await runner.mayorBusy(try runner.load())
        #expect(reason == "someone is typing in its input line")
        let screen = AgentScreen(text: try await mayor.capture(), profile: profile)
        #expect(screen.inputText == "half-typed thought")
    }
}

/// A NUL or an escape sequence in HEARTBEAT.md cut the beat's prompt (its reply rules lost) while its
/// tasks were recorded done, and made the daily log binary for git.
@Suite(.serialized) struct BeatControlCharacterTests {
    @Test func controlCharactersInTheTasksNeitherCutThePromptNorReachTheDailyLog() async throws {
        let tasks = "## News\u{0} today\u{1B}[201~\n- find\u{0} one item\u{7}\n\n## Quiet\n- HEARTBEAT_OK if nothing\n"
        let rules = """
            [[rule]]
            match = "News today"
            reply = "## News today[201~\\nOne item found.\\n\\n## Quiet\\nHEARTBEAT_OK"
            """
        let rig = try await TestTown.beating(rules: rules, heartbeat: tasks)
        defer { rig.close() }
        let runner = rig.runner()
        let beatId = try #require(try await runner.runNow(tasks: []).beatId)
        let report = try await HeartbeatWaiter(environment: rig.environment, town: rig.town, runner: runner).waitForBeat(beatId, timeout: 60)
        #expect(!report.failed)
        let turn = try #require(report.turn)
        #expect(!turn.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(turn.text.contains("## News today[201~") && turn.text.contains("- find one item"))
        #expect(turn.text.contains("HEARTBEAT_OK"), "the reply rules, which follow the tasks, are in the prompt")
        #expect(try #require(report.convoy?.items).map(\.state) == [.done, .done])
        let log = try rig.dailyLog()
        #expect(log.contains("One item found.") && !log.contains("\u{0}"))
        let numstat = try await shell("git log -1 --numstat --format= hooks/mayor", in: rig.town.root)
        #expect(!numstat.hasPrefix("-\t-"), "git takes the daily log for text: \(numstat)")
    }
}
