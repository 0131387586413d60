import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayUsage
@testable import GatewayHeartbeat
import GatewayTestSupport

/// Usage and budgets against the real Claude Code and gw-model-sim: what `gw usage` reports is what the
/// model server billed for the conversation, and a spent heartbeat budget skips the next beat with no
/// request made.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct UsageClaudeTests {
    static let rules = """
        [[rule]]
        name = "tool-turn"
        match = "write the note"
        [[rule.step]]
        reply = "Writing it."
        tools = [{ name = "Bash", input = { command = "echo noted" } }]
        [[rule.step]]
        reply = "Written: noted."

        [[rule]]
        match = "Beat task"
        reply = "HEARTBEAT_OK"

        [[rule]]
        match = "please limit"
        status = 429
        should_retry = false
        error_message = "This request would exceed your account's rate limit. Please try again later."
        """

    /// The conversation's requests as gw-model-sim logged them: every answered Messages request that is
    /// no structured side request.
    static func billed(_ town: TestTown) throws -> (messages: Set<String>, tokens: TokenCounts) {
        let requests = try #require(town.model).requests().filter {
            $0["path"] as? String == "/v1/messages" && $0["status"] as? Int == 200 && $0["structured"] as? Bool == false
        }
        var tokens = TokenCounts()
        var ids = Set<String>()
        for request in requests {
            let usage = try #require(request["usage"] as? [String: Any])
            ids.insert(try #require(request["message_id"] as? String))
            tokens += TokenCounts(input: usage["input_tokens"] as? Int ?? -1, cacheWrite: usage["cache_creation_input_tokens"] as? Int ?? -1,
                                  cacheRead: usage["cache_read_input_tokens"] as? Int ?? -1, output: usage["output_tokens"] as? Int ?? -1)
        }
        return (ids, tokens)
    }

    @Test func theTotalsAreWhatTheModelServerBilledForTheConversation() async throws {
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules), config: TestTown.quickMayor,
                                      "[agents.claude]\nargs = [\"--allowedTools\", \"Bash(echo:*)\"]")
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "first question"])
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "please write the note"])
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "third question"])
        let billed = try Self.billed(town)
        #expect(billed.messages.count >= 4, "three turns, one of them two requests")
        #expect(billed.tokens.cacheRead > 0, "later requests re-read the cache")

        let report = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["usage", "--by", "source", "--json"]).utf8)) as? [String: Any]
        let total = try #require(report?["total"] as? [String: Any])
        #expect(total["input_tokens"] as? Int == billed.tokens.input)
        #expect(total["cache_write_tokens"] as? Int == billed.tokens.cacheWrite)
        #expect(total["cache_read_tokens"] as? Int == billed.tokens.cacheRead)
        #expect(total["output_tokens"] as? Int == billed.tokens.output)
        #expect(total["counted_tokens"] as? Int == billed.tokens.counted, "cache reads are not counted")
        #expect(total["messages"] as? Double == Double(billed.messages.count), "a message split over transcript lines counts once")
        let groups = try #require(report?["groups"] as? [[String: Any]])
        #expect(groups.map { $0["key"] as? String } == ["manual"])
        #expect(groups.first?["turns"] as? Int == 3)
        #expect((total["estimated_cost_usd"] as? Double ?? 0) > 0)

        // Read again (the daemon, another command): nothing counts twice.
        let again = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["usage", "--json"]).utf8)) as? [String: Any]
        #expect((again?["total"] as? [String: Any])?["output_tokens"] as? Int == billed.tokens.output)
        let text = try await town.gwOK(["usage"])
        #expect(text.contains("Budgets: nothing paused.") && text.contains("estimate"), "\(text)")
    }

    @Test func aSpentHeartbeatBudgetSkipsTheNextBeatWithNoRequestAndTellsTheOwnerOnce() async throws {
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules), config: TestTown.quickMayor,
                                      "[heartbeat]\nevery = \"1s\"\nurgent = [\"log\"]\n\n[budget.heartbeat]\ndaily_tokens = 300",
                                      "[notify.targets.log]\nkind = \"console\"",
                                      heartbeat: "## Beat task\n- check the builds\n")
        defer { town.close() }
        let runner = BeatRunner(environment: town.environment, town: town.town, startedAt: Date().addingTimeInterval(-60),
                                config: { try town.town.loadConfig().heartbeatConfig },
                                document: { try HeartbeatDocument.load(from: town.town.heartbeatFile) })
        let ledger = try Ledger(file: town.town.ledgerFile)
        // The first beat runs: nothing was spent yet.
        let first = try await town.wait("the first beat sent", timeout: 60) { () async throws -> Int64? in
            _ = try await runner.step()
            return try await ledger.heartbeatHistory().first { $0.outcome == "ran" }?.id
        }
        _ = try await HeartbeatWaiter(environment: town.environment, town: town.town, runner: runner).waitForBeat(first, timeout: 90)
        let requestsAfterFirst = try Self.billed(town).messages.count
        #expect(requestsAfterFirst >= 1)
        // The silent beat (HEARTBEAT_OK) counts: per beat in the history, per task in gw usage, and
        // beside it what Gateway's framing added to the tasks' own text.
        let billed = try Self.billed(town).tokens
        // Claude Code may run the Stop hook a moment before it writes the reply's record to the
        // transcript; the history shows the beat's tokens once that record is there.
        let history = try await town.wait("the beat's tokens in gw heartbeat history", timeout: 30) { () async throws -> String? in
            let history = try await town.gwOK(["heartbeat", "history"])
            return history.contains("\(BudgetGate.count(billed.counted)) tokens") ? history : nil
        }
        #expect(history.contains("ran Beat task"), "\(history)")
        let byTask = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["usage", "--by", "task", "--json"]).utf8)) as? [String: Any]
        let groups = try #require(byTask?["groups"] as? [[String: Any]])
        #expect(groups.first?["key"] as? String == "Beat task" && groups.first?["counted_tokens"] as? Int == billed.counted)
        let beats = try #require(byTask?["beats"] as? [[String: Any]])
        #expect(beats.count == 1)
        let promptChars = try #require(beats.first?["promptChars"] as? Int), taskChars = try #require(beats.first?["taskChars"] as? Int)
        #expect(taskChars == "Beat task".count + "- check the builds".count, "the task's name and body")
        #expect(promptChars > taskChars && beats.first?["addedChars"] as? Int == promptChars - taskChars)
        #expect(try await town.gwOK(["usage"]).contains("what Gateway adds around it"))
        // Its tokens (well over 300) spend the budget: the next due beats are skipped for it.
        let skipped = try await town.wait("a beat skipped for the budget", timeout: 60) { () async throws -> [BeatRecord]? in
            _ = try await runner.step()
            let skips = try await ledger.heartbeatHistory().filter { $0.skipReason == "budget" }
            return skips.count >= 2 ? skips : nil
        }
        #expect(skipped.allSatisfy { $0.detail?.contains("the heartbeat budget's daily tokens") == true })
        #expect(try Self.billed(town).messages.count == requestsAfterFirst, "no model request for a skipped beat")
        #expect(try await town.turns().count == 1)
        let notices = try await ledger.outboxEntries(limit: 100).filter { $0.source.hasPrefix("budget:heartbeat:") }
        #expect(Set(notices.map(\.source)).count == 1, "the owner is told once: \(notices.map(\.source))")
        let status = try await town.gwOK(["budget", "status"])
        #expect(status.contains("Paused: heartbeat"), "\(status)")
        // Resumed by hand: the next beat runs.
        try await town.gwOK(["budget", "resume", "--until", "1h"])
        _ = try await town.wait("a beat after the resume", timeout: 60) { () async throws -> Int64? in
            _ = try await runner.step()
            return try await ledger.heartbeatHistory().filter { $0.outcome == "ran" }.count >= 2 ? 1 : nil
        }
    }

    @Test func aRateLimitFromTheModelPausesTheMayorWhichResumesByItself() async throws {
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules), config: TestTown.quickMayor,
                                      "[mayor]\nlimit_backoff = \"3s\"", TestTown.quickDaemon,
                                      "[heartbeat]\nurgent = [\"log\"]\n\n[notify.targets.log]\nkind = \"console\"")
        let daemon = try town.spawnDaemon(["--verbose"])
        defer { daemon.signal(SIGTERM); town.close() }
        try await town.wait("the daemon's pid file") { DaemonPidFile.runningPid(town.town) }
        let limited = try await town.gw(["mayor", "send", "--wait", "--timeout", "90s", "please limit"])
        #expect(limited.status != 0)
        #expect(try await town.turns().first?.error?.contains("rate_limit") == true)
        let record = try #require(try await town.agent())
        let until = try #require(record.pausedUntil, "the StopFailure paused the Mayor")
        #expect(record.pauseReason?.contains("Request rejected (429)") == true, "\(record.pauseReason ?? "")")
        let status = try JSONSerialization.jsonObject(with: Data(try await town.gwOK(["mayor", "status", "--json"]).utf8)) as? [String: Any]
        #expect(["paused", "idle"].contains(status?["state"] as? String ?? ""), "paused until \(until), or already past it on a slow machine")
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "90s", "after the limit"])
        #expect(reply == "ECHO: after the limit\n")
        #expect(try #require(try await town.turns().last?.submittedAt) >= until, "nothing typed during the pause")
        #expect(try await town.agent()?.restarts == 0, "no restart counted")
        let notices = try await town.ledger().outboxEntries(limit: 50).filter { $0.source.hasPrefix("limit:mayor:") }
        #expect(notices.count == 1)
    }
}
