import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayHeartbeat
import GatewayTestSupport

/// Scenario 6: the real Claude Code Mayor against a gw-model-sim that answers about a third of turns
/// with a 529, a 500, a 400 or a slow stream (seeded `chance` rules). Heartbeat beats (BeatRunner, as
/// `gw heartbeat now` runs them) alternate with plain `gw mayor send` turns. Every failed turn must be reported
/// once (one failed turn row; for a beat one `Heartbeat failed` outbox entry and nothing in the log),
/// no prompt may be submitted twice, and a failed beat's scheduled task must ride on the next beat
/// (docs/heartbeat.md) — no beat lost or doubled in the ledger or in today's log.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct FaultModelFailingTests {
    static let turns = "^(plain turn|Beat at)"

    static func rules(seed: UInt64) -> String {
        """
        seed = \(seed)

        [[rule]]
        name = "overloaded"
        regex = "\(turns)"
        chance = 0.1
        status = 529
        should_retry = false
        error_message = "scripted overload"

        [[rule]]
        name = "server error"
        regex = "\(turns)"
        chance = 0.1
        status = 500
        should_retry = false
        error_message = "scripted server error"

        [[rule]]
        name = "bad request"
        regex = "\(turns)"
        chance = 0.1
        status = 400
        error_message = "scripted bad request"

        [[rule]]
        name = "slow"
        regex = "\(turns)"
        chance = 0.1
        delay = "4s"
        """
    }

    /// One turn the test started, and what it expects of it.
    struct Sent {
        var label: String
        var text: String
        var beatId: Int64?
        var tokens: [String: String] = [:]
        /// Backup was asked for by name (`gw heartbeat now Builds Backup`).
        var backupAskedFor = false
    }

    @Test func everyFailedTurnIsReportedOnceAndNoBeatIsLostOrDoubled() async throws {
        var tally = FaultTally("model-failing")
        var generator = FaultPlan.generator()
        tally.seed = generator.seed
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules(seed: generator.next() >> 1)), config: TestTown.quickMayor, """
            [heartbeat]
            every = "1s"
            notify = ["terminal"]
            prompt = "Beat at the heartbeat.\\n\\n{{reply_protocol}}\\n\\n{{tasks}}"

            [notify.targets.terminal]
            kind = "console"
            """)
        defer { town.close() }
        let runner = BeatRunner(environment: town.environment, town: town.town, startedAt: Date().addingTimeInterval(-60))
        var sent: [Sent] = []
        for trial in 1...FaultPlan.trials(short: 6, full: 100) {
            tally.trials += 1
            do {
                if trial % 2 == 1 {
                    sent.append(try await beat(trial, town: town, runner: runner, generator: &generator))
                } else {
                    sent.append(try await plain(trial, town: town, generator: &generator, tally: &tally))
                }
            } catch {
                tally.fail("trial \(trial): \(error)")
            }
        }
        try await check(sent, town: town, tally: &tally)
        tally.finish()
    }

    /// A beat with fresh tokens in HEARTBEAT.md, then handled: `gw heartbeat now Builds`, and in about
    /// half the beats `Backup` asked for too; otherwise Backup (every 2h) goes out only when it never
    /// ran or a failed beat owes it. The model echoes the prompt, so each task's finding is its own
    /// token. Prompts hold no clock time or random id, so the faults replay from the tally's seed.
    func beat(_ trial: Int, town: TestTown, runner: BeatRunner, generator: inout SeededGenerator) async throws -> Sent {
        let tokens = ["Builds": "build-token-\(trial)-\(generator.next() % 1_000_000)",
                      "Backup": "backup-token-\(trial)-\(generator.next() % 1_000_000)"]
        try """
            ## Builds
            - note \(tokens["Builds"]!)

            ## Backup
            > schedule: every 2h
            - note \(tokens["Backup"]!)
            """.write(to: town.town.heartbeatFile, atomically: true, encoding: .utf8)
        let ledger = try town.ledger()
        let askForBackup = generator.next() % 2 == 0
        let (sentBeat, skipped) = try await runner.runNow(tasks: askForBackup ? ["Builds", "Backup"] : ["Builds"])
        guard let beatId = sentBeat else { throw GatewayError("beat \(trial) was skipped: \(skipped ?? "")") }
        _ = try await HeartbeatWaiter(environment: runner.environment, town: town.town, runner: runner).waitForBeat(beatId, timeout: 180)
        let run = try #require(try await ledger.heartbeatRun(beatId: beatId))
        let turn = try #require(try await ledger.turn(run.turnId))
        return Sent(label: "beat \(trial)", text: turn.text, beatId: beatId, tokens: tokens.filter { run.tasks.contains($0.key) },
                    backupAskedFor: askForBackup)
    }

    func plain(_ trial: Int, town: TestTown, generator: inout SeededGenerator, tally: inout FaultTally) async throws -> Sent {
        let text = "plain turn \(trial) \(generator.next() % 1_000_000)"
        let result = try await town.gw(["mayor", "send", "--wait", "--timeout", "180s", text])
        let turn = try #require(try await town.ledger().recentTurns(agent: "mayor", limit: 5).first { $0.text == text })
        // The sender is told, once, either way.
        if turn.state == .done, result.status != 0 || result.stdout != "ECHO: \(text)\n" {
            tally.fail("plain \(trial): done, but the sender got \(result.status) \(result.stdout.prefix(80))")
        }
        if turn.state != .done, result.status == 0 || result.stderr.components(separatedBy: "API Error").count != 2 {
            tally.fail("plain \(trial): \(turn.state.rawValue), but the sender got \(result.status): \(result.stderr.prefix(200))")
        }
        return Sent(label: "plain \(trial)", text: text)
    }

    /// Reads everything back: the model's log, the turn rows, the hook events, the beats, the outbox
    /// and the daily log.
    func check(_ sent: [Sent], town: TestTown, tally: inout FaultTally) async throws {
        let ledger = try town.ledger()
        let model = try #require(town.model)
        let requests = try model.requests().filter { ($0["tools"] as? Int ?? 0) > 0 && $0["structured"] as? Bool != true }
        let turns = try await ledger.recentTurns(agent: "mayor", limit: 100_000)
        let submits = try await ledger.events(agent: "mayor").filter { $0.event == .userPromptSubmit }
            .compactMap { HookEvent(name: $0.event, json: $0.payload).prompt?.trimmingCharacters(in: .whitespacesAndNewlines) }
        let outbox = try await ledger.outboxEntries(limit: 100_000)
        let log = try dailyLogs(town)
        let beats = try await ledger.heartbeatHistory(limit: 100_000)
        let beatsSent = sent.filter { $0.beatId != nil }
        if beats.count != beatsSent.count || beats.contains(where: { $0.outcome != "ran" }) {
            tally.fail("\(beatsSent.count) beats run, the ledger holds \(beats.count): \(beats.map(\.outcome))")
        }
        var backupOwed = true // the first beat carries Backup: it never ran
        for item in sent {
            let text = item.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let asked = requests.filter { ($0["last_user_text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) == text }
            let status = asked.last?["status"] as? Int ?? 200
            if status >= 400 || asked.last?["rule"] as? String == "slow" { tally.faults += 1 }
            let rows = turns.filter { $0.text == item.text }
            guard rows.count == 1, let turn = rows.first else {
                rows.isEmpty ? tally.lose("\(item.label): no turn row") : tally.duplicate("\(item.label): \(rows.count) turn rows", count: rows.count - 1)
                continue
            }
            let submitted = submits.filter { $0 == text }.count
            if submitted == 0 { tally.lose("\(item.label): never submitted") }
            if submitted > 1 { tally.duplicate("\(item.label): submitted \(submitted) times", count: submitted - 1) }
            if asked.isEmpty { tally.lose("\(item.label): the model never got it") }
            let failed = status >= 400
            if failed != (turn.state == .failed) || (!failed && turn.state != .done) {
                tally.fail("\(item.label): the model answered \(status), the turn is \(turn.state.rawValue) (\(turn.error ?? ""))")
            }
            guard let beatId = item.beatId else { continue }
            let run = try #require(try await ledger.heartbeatRun(beatId: beatId))
            // The retry policy: Backup (every 2h) rides on a beat when asked for, when it never ran, or
            // when the beat that last carried it failed.
            if run.tasks.contains("Backup") != (backupOwed || item.backupAskedFor) {
                tally.fail("\(item.label): Backup \(backupOwed ? "owed but not carried" : "carried though neither owed nor asked for"): \(run.tasks)")
            }
            if run.tasks.contains("Backup") { backupOwed = turn.state != .done }
            let alerts = outbox.filter { $0.source == "heartbeat:\(beatId):failed" }.count
            if alerts != (turn.state == .done ? 0 : 1) { tally.fail("\(item.label): \(alerts) failure alerts for a \(turn.state.rawValue) turn") }
            if (run.summary?.hasPrefix("failed: ") == true) == (turn.state == .done) { tally.fail("\(item.label): run summary \(run.summary ?? "none")") }
            for (task, token) in item.tokens {
                let entries = log.components(separatedBy: token).count - 1
                let notices = outbox.filter { $0.source == "heartbeat:\(beatId):\(HeartbeatTask.key(task))" }.count
                let expected = turn.state == .done ? 1 : 0
                for (what, seen) in [("log entries", entries), ("notifications", notices)] where seen != expected {
                    if seen < expected { tally.lose("\(item.label): \(task): no \(what)") }
                    else if expected == 0 { tally.fail("\(item.label): \(task): \(seen) \(what) for a failed beat") }
                    else { tally.duplicate("\(item.label): \(task): \(seen) \(what)", count: seen - expected) }
                }
            }
        }
    }

    /// Every daily log in the Mayor's hook (a run may cross midnight).
    func dailyLogs(_ town: TestTown) throws -> String {
        let folder = town.town.mayorDirectory.appendingPathComponent("memory")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".md") }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }
}
