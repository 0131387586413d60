import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// Fault scenario 1: the real `gw daemon run`, its Mayor on the real Claude Code over an instant
/// gw-model-sim, beating every second (the shortest `[heartbeat] every` allows) — killed with SIGKILL
/// at seeded random moments and started again, until enough beats have run. Every beat's reply carries
/// a finding of its own (one `once` rule per beat), which goes to the daily log and to a fake Bot API.
/// At the end, read back from the ledger, the model's request log, the log on hooks/mayor and the
/// messages the fake received: every beat that ran reached the model once and was handled, no slot
/// beat twice, every finding is in the daily log once and was delivered once. A delivery repeated
/// because a kill fell between the Bot API accepting it and the ledger recording it is the one window
/// no client can close: it is counted apart, per channel.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct FaultDaemonKillTests {
    /// More `once` rules than beats can run, then a catch-all, so each beat's finding is unique.
    static func rules(findings: Int) -> String {
        var text = ""
        for number in 1...findings {
            text += """
                [[rule]]
                name = "finding-\(number)"
                match = "Beat task"
                once = true
                reply = "## Beat task\\n\(finding(number)): the nightly build \(number) broke."


                """
        }
        return text + """
            [[rule]]
            name = "no-finding-left"
            match = "Beat task"
            reply = "## Beat task\\nHEARTBEAT_OK"
            """
    }

    static func finding(_ number: Int) -> String { "Finding \(number)" }

    @Test func aDaemonKilledAtRandomLosesAndDoublesNothing() async throws {
        var tally = FaultTally("daemon-kill")
        var random = FaultPlan.generator()
        tally.seed = random.seed
        let cycles = FaultPlan.trials(short: 5, full: 200)
        let api = try FakeBotAPI()
        defer { api.stop() }
        let town = try await TestTown(.claude(try RealClaude.requireBinary(), rules: Self.rules(findings: cycles * 2 + 20)),
                                      config: TestTown.quickMayor, "[mayor]\nturn_timeout = \"60s\"")
        defer { town.close() }
        let rig = DaemonKillRig(town: town, api: api)
        try rig.configure(every: "1s")
        try "## Beat task\n- check the builds\n".write(to: town.town.heartbeatFile, atomically: true, encoding: .utf8)
        let ledger = try town.ledger()

        // Kill and restart until `cycles` beats are handled and at least as many kills made (a loaded
        // machine can stretch the pauses between kills over many beats); a beat stuck for two minutes
        // ends the loop.
        var daemon = try rig.spawn()
        var handled = 0
        var progressAt = Date()
        while handled < cycles || tally.faults < cycles {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...5000, using: &random)))
            daemon.signal(SIGKILL)
            let code = try await daemon.wait()
            // Only a kill that met a running daemon is a fault injected; one that died on its own failed.
            if code == 128 + SIGKILL {
                tally.faults += 1
            } else {
                tally.fail("a daemon exited \(String(describing: code)) before it was killed:\n\(daemon.output.suffix(2000))")
                if tally.failures >= 3 { break }
            }
            daemon = try rig.spawn()
            let now = try await rig.handledBeats(ledger)
            if now > handled { progressAt = Date() }
            handled = now
            if Date().timeIntervalSince(progressAt) > 120 {
                tally.fail("no beat handled for 120 s after \(handled) beats and \(tally.faults) kills; daemon log:\n\(rig.daemonLog().suffix(3000))\nscreen:\n\(await town.screen())")
                break
            }
        }

        // The heartbeat off before the last daemon starts, so it runs no beat of its own: it finishes what
        // is in flight and stops cleanly. (Turned off under a running daemon, a beat could still start
        // before the edit is read — just after the ledger looked quiet — and be stopped while queued.)
        try rig.configure(every: "off")
        daemon.signal(SIGKILL)
        if try await daemon.wait() == 128 + SIGKILL { tally.faults += 1 }
        daemon = try rig.spawn()
        do {
            try await town.wait("the beats in flight handled and their notifications delivered", timeout: 120) {
                try await rig.quiet(ledger) ? true : nil
            }
        } catch {
            tally.fail("\(error)\ndaemon log:\n\(rig.daemonLog().suffix(3000))")
        }
        // As `gw daemon stop` does: signal the daemon once its pid file names it. Its handlers are armed
        // before that file is written; a SIGTERM a few milliseconds after the spawn, before then, meets
        // the default action (exit 143) — a race of the test, not a stop a person can send.
        let last = daemon.pid
        try await town.wait("the last daemon's pid file") { DaemonPidFile.runningPid(town.town) == last ? true : nil }
        daemon.signal(SIGTERM)
        let exit = try await daemon.wait()
        if exit != 0 { tally.fail("the last daemon exited \(String(describing: exit)) after SIGTERM") }

        try await rig.count(ledger, model: try #require(town.model), into: &tally)
        tally.finish()
    }
}

/// The daemon, its configuration and the read-back for `FaultDaemonKillTests`.
struct DaemonKillRig {
    let town: TestTown
    let api: FakeBotAPI

    /// The town's config with the heartbeat at `every`, written atomically (the daemon rereads it).
    func configure(every: String) throws {
        try town.configure("""
            [heartbeat]
            every = "\(every)"
            notify = ["phone"]
            organize_at = "off"

            [daemon]
            poll = "200ms"
            health_check = "1s"
            beat_retry = "1s"

            [notify.targets.phone]
            kind = "telegram"
            chat_id = 7
            token_env = "TG_TOKEN"
            api_base = "\(api.baseURL)"
            """)
    }

    func spawn() throws -> ChildProcess { try town.spawnDaemon(variables: ["TG_TOKEN": fakeToken]) }

    func daemonLog() -> String { town.daemonLog }

    func handledBeats(_ ledger: Ledger) async throws -> Int {
        try await ledger.heartbeatHistory(limit: 100_000).filter { $0.outcome == "ran" }.count - (try await ledger.unhandledHeartbeatRuns().count)
    }

    /// Nothing left to do: no beat unhandled, no turn waiting or running, every notification delivered.
    func quiet(_ ledger: Ledger) async throws -> Bool {
        guard try await ledger.unhandledHeartbeatRuns().isEmpty else { return false }
        guard try await ledger.recentTurns(agent: "mayor", limit: 100_000).allSatisfy(\.state.hasEnded) else { return false }
        return try await ledger.outboxEntries(limit: 100_000).allSatisfy { $0.state == .delivered || $0.state == .failed }
    }

    /// Counts losses and duplicates from what really happened.
    func count(_ ledger: Ledger, model: ModelSimProcess, into tally: inout FaultTally) async throws {
        let beats = try await ledger.heartbeatHistory(limit: 100_000).filter { $0.outcome == "ran" }.sorted { $0.time < $1.time }
        let turns = try await ledger.recentTurns(agent: "mayor", limit: 100_000)
        tally.trials = beats.count
        for (earlier, later) in zip(beats, beats.dropFirst()) where later.time.timeIntervalSince(earlier.time) < 1 {
            tally.duplicate("beats \(earlier.id) and \(later.id) ran \(later.time.timeIntervalSince(earlier.time)) s apart, within one interval")
        }
        for beat in beats {
            let sent = turns.filter { $0.source == "heartbeat:\(beat.id)" }
            guard let run = try await ledger.heartbeatRun(beatId: beat.id) else {
                tally.lose("beat \(beat.id) is recorded as run but has no run row: its tasks were never sent (\(sent.count) turns)")
                continue
            }
            if sent.count > 1 { tally.duplicate("beat \(beat.id) was sent as \(sent.count) turns", count: sent.count - 1) }
            if run.state != "handled" { tally.lose("beat \(beat.id) was never handled") }
            if let turn = sent.first, turn.state != .done {
                tally.lose("beat \(beat.id)'s turn \(turn.id) ended \(turn.state.rawValue): \(turn.error ?? "")")
            }
        }

        // What the model answered to the Mayor's prompts: one request per beat, each finding once.
        let prompts = try model.requests().filter {
            ($0["structured"] as? Bool) != true && ($0["continuation"] as? Bool) != true
                && ($0["last_user_text"] as? String ?? "").contains("Beat task")
        }
        if prompts.count > beats.count {
            tally.duplicate("the model got \(prompts.count) beat prompts for \(beats.count) beats", count: prompts.count - beats.count)
        } else if prompts.count < beats.count {
            tally.lose("the model got \(prompts.count) beat prompts for \(beats.count) beats", count: beats.count - prompts.count)
        }
        let served = prompts.compactMap { ($0["rule"] as? String).flatMap { $0.hasPrefix("finding-") ? Int($0.dropFirst(8)) : nil } }
        let log = try await committedDailyLogs()
        // Every row: a finding from early in a long run is far behind the most recent ones.
        let entries = try await ledger.outboxEntries(limit: 100_000)
        var window = 0
        for number in served {
            let text = "\(FaultDaemonKillTests.finding(number)):"
            let logged = log.components(separatedBy: text).count - 1
            if logged == 0 { tally.lose("\(text) is not in the daily log on hooks/mayor") }
            if logged > 1 { tally.duplicate("\(text) is in the daily log \(logged) times", count: logged - 1) }
            let delivered = api.accepted.filter { $0.text.contains(text) }.count
            if delivered == 0 { tally.lose("\(text) was never delivered to the Bot API") }
            guard delivered > 1 else { continue }
            // A repeat is in the acceptance window only when the ledger saw its call interrupted.
            let interrupted = entries.filter { $0.text.contains(text) }.map(\.interruptions).reduce(0, +)
            let inWindow = min(delivered - 1, interrupted)
            window += inWindow
            if delivered - 1 > inWindow {
                let rows = entries.filter { $0.text.contains(text) }.map {
                    "#\($0.id) \($0.source) → \($0.target): \($0.state.rawValue), attempts \($0.attempts), interruptions \($0.interruptions), last error \($0.lastError ?? "none")"
                }
                tally.duplicate("\(text) was delivered \(delivered) times (\(interrupted) interrupted calls); outbox rows: \(rows.joined(separator: "; ")). Daemon log:\n\(daemonLog().suffix(3_000))",
                                count: delivered - 1 - inWindow)
            }
        }
        tally.duplicatedInWindow = ["telegram": window]
        let uncommitted = try await shell("git status --porcelain -- memory", in: town.town.mayorDirectory)
        if !uncommitted.isEmpty { tally.fail("the daily log has uncommitted changes:\n\(uncommitted)") }
        let resumed = daemonLog().components(separatedBy: "pressing Enter for it").count - 1
        let redelivered = daemonLog().components(separatedBy: "was interrupted mid-delivery").count - 1
        print("daemon-kill: \(beats.count) beats, \(served.count) findings served, \(api.accepted.count) messages accepted, \(resumed) prompts a killed daemon had pasted submitted by the next, \(redelivered) notifications a killed daemon left mid-call delivered again by the next")
    }

    /// Every daily log as committed on hooks/mayor (`memory/YYYY-MM-DD.md`, and any archived into a
    /// month's folder), one after the other; the conversation extracts in memory/sessions are no log.
    func committedDailyLogs() async throws -> String {
        let files = try await shell("git ls-tree -r --name-only hooks/mayor -- memory", in: town.town.root).split(separator: "\n")
        var logs: [String] = []
        for file in files where file.hasSuffix(".md") && !file.hasPrefix("memory/sessions/") {
            logs.append(try await shell("git show 'hooks/mayor:\(file)'", in: town.town.root))
        }
        return logs.joined(separator: "\n")
    }
}
