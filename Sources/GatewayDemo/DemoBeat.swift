import Foundation
import GatewayCore
import GatewayNotify
import GatewayMemory
import GatewayHeartbeat

/// The demo's one heartbeat, end to end, with every claim checked against what really happened.
struct DemoBeat {
    let environment: GatewayEnvironment
    let town: Town
    let agent: DemoRun.Agent
    let modelLog: URL

    func run() async throws {
        let output = environment.output
        let config = try town.loadConfig()
        let runner = BeatRunner(environment: environment, town: town, startedAt: environment.clock.now())

        output.line("\n== 3. One heartbeat")
        let preview = try await runner.runNow(tasks: [])
        guard let beatId = preview.beatId else { throw GatewayError("the demo's beat was skipped: \(preview.skipReason ?? "")") }
        let ledger = try Ledger(file: town.ledgerFile)
        guard let run = try await ledger.heartbeatRun(beatId: beatId) else { throw GatewayError("beat \(beatId) has no run") }
        output.line("due tasks: \(run.tasks.joined(separator: ", ")) — sent to the Mayor as one turn")
        let report = try await HeartbeatWaiter(environment: environment, town: town, runner: runner).waitForBeat(beatId, timeout: 180)
        guard let turn = report.turn, turn.state == .done, let reply = turn.reply else {
            throw GatewayError("the Mayor's turn did not complete: \(report.turn?.error ?? report.summary)")
        }
        output.line("\nthe Mayor's reply:\n" + reply.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }.joined(separator: "\n"))

        output.line("\n== 4. What Gateway did with it")
        let items = report.convoy?.items ?? []
        guard let news = items.first(where: { $0.title == "每日资讯" }), let stored = news.result else {
            throw GatewayError("the 每日资讯 finding was not stored: \(items.map { "\($0.title) \($0.state.rawValue)" })")
        }
        let day = MemoryCalendar(config: config).day(of: environment.clock.now())
        let logFile = town.mayorDirectory.appendingPathComponent(MemoryLog.relativePath(day: day))
        guard try FileSystem.readText(logFile).contains("量子纠错") else { throw GatewayError("\(logFile.path) does not hold the finding") }
        let subject = try await environment.git.run(Git.command(["log", "-1", "--format=%h %s", stored.commit], in: town.mayorDirectory))
        output.line("stored: \(logFile.path)\n  commit \(subject.trimmingCharacters(in: .whitespacesAndNewlines)) on branch \(stored.branch)")
        guard let quiet = items.first(where: { $0.title == "Quiet check" }), quiet.summary == "HEARTBEAT_OK" else {
            throw GatewayError("the Quiet check task did not answer HEARTBEAT_OK")
        }
        output.line("Quiet check answered HEARTBEAT_OK: recorded, nothing sent")

        if agent == .claude {
            let notes = town.mayorDirectory.appendingPathComponent("notes/daily-news.md")
            let log = (try? String(contentsOf: modelLog, encoding: .utf8)) ?? ""
            guard FileSystem.exists(notes), log.contains("\"tool_result\":true") else {
                throw GatewayError("Claude's own Write tool did not run (no \(notes.path), or no tool result in gw-model-sim's log)")
            }
            let tracked = try await environment.git.run(Git.command(["ls-files", "notes/daily-news.md"], in: town.mayorDirectory))
            output.line("Claude wrote \(notes.path) with its own Write tool\(tracked.isEmpty ? "" : "; the same commit took it along")")
        }

        output.line("\nthe notification (console target \"terminal\"):")
        guard let round = try await NotifyService(environment: environment, town: town, settings: config.notify).deliverPending(timeout: 30),
              !round.delivered.isEmpty else {
            throw GatewayError("the notification was not delivered: see `gw notify outbox`")
        }
        output.line("\nDemo finished: one heartbeat, one finding stored and committed, one notification, one HEARTBEAT_OK — with \(agent == .claude ? "Claude Code" : "gw-agent-sim") as the Mayor.")
    }
}
