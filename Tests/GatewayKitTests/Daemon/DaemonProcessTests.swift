import Foundation
import LoopbackHTTP
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The real `gw daemon` as a child process, in a real town with the Mayor on gw-agent-sim in real tmux.
/// Serialized: each test runs a daemon, a tmux server and an agent, and the machine is shared.
@Suite(.serialized)
struct DaemonProcessTests {
    @Test func runStartsTheMayorWritesThePidFileAndStopsOnSigterm() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        let daemon = try town.spawnDaemon()
        try await town.wait("the pid file") { DaemonPidFile.recordedPid(town.town) == daemon.pid ? true : nil }
        let pane = try await town.waitForMayor()
        #expect(DaemonPidFile.runningPid(town.town) == daemon.pid)

        daemon.signal(SIGTERM)
        let code = try await daemon.wait()
        #expect(code == 0, "exit code; output:\n\(daemon.output)")
        #expect(!FileManager.default.fileExists(atPath: DaemonPidFile.url(town.town).path))
        #expect(town.daemonLog.contains("daemon started, pid \(daemon.pid)"))
        #expect(town.daemonLog.contains("started the Mayor"))
        // Stopped in reverse order of start: the scheduler first, the outbox last.
        let order = ["heartbeat scheduler stopped", "mayor supervisor stopped", "outbox worker stopped", "daemon stopped"]
            .map { town.daemonLog.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil }, "log:\n\(town.daemonLog)")
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        // The Mayor outlives the daemon: it is a tmux session, not a child.
        #expect(try await town.mayorPane()?.pid == pane)
    }

    @Test func aSecondDaemonRefusesAndAStalePidFileDoesNot() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        let first = try town.spawnDaemon()
        try await town.wait("the pid file") { DaemonPidFile.recordedPid(town.town) == first.pid ? true : nil }

        let second = try town.spawnDaemon()
        let refused = try await second.wait()
        #expect(refused == 1)
        #expect(second.output.contains("a daemon is already running for this town (pid \(first.pid))"), "\(second.output)")
        #expect(DaemonPidFile.recordedPid(town.town) == first.pid)

        first.signal(SIGKILL)
        #expect(try await first.wait() == 128 + SIGKILL)
        // The pid file is left behind, naming a dead process.
        #expect(DaemonPidFile.recordedPid(town.town) == first.pid)
        #expect(DaemonPidFile.runningPid(town.town) == nil)
        let status = try await town.gw(["daemon", "status"])
        #expect(status.stdout.contains("The daemon is not running"))
        #expect(status.stdout.contains("Its pid file names pid \(first.pid), which is gone"), "\(status.stdout)")

        let third = try town.spawnDaemon()
        try await town.wait("the new pid file") { DaemonPidFile.recordedPid(town.town) == third.pid ? true : nil }
        third.signal(SIGTERM)
        #expect(try await third.wait() == 0, "\(third.output)")
    }

    @Test func startStatusStopRoundTrip() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        let notRunning = try await town.gw(["daemon", "status", "--json"])
        #expect(notRunning.succeeded)
        #expect(notRunning.stdout.contains("\"running\" : false"))

        let start = try await town.gw(["daemon", "start"])
        #expect(start.succeeded, "\(start.stderr)")
        let pid = try #require(DaemonPidFile.runningPid(town.town))
        #expect(start.stdout.contains("Started the daemon (pid \(pid))"))
        await #expect(try town.gw(["daemon", "start"]).stdout.contains("already running (pid \(pid))"))

        let status = try await town.gw(["daemon", "status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["running"] as? Bool == true)
        #expect((json["pid"] as? Int).map(Int32.init) == pid)
        #expect(json["uptimeSeconds"] is Int)
        let townStatus = try await town.gw(["status"])
        #expect(townStatus.stdout.contains("Daemon: running, pid \(pid), up "), "\(townStatus.stdout)")

        let stop = try await town.gw(["daemon", "stop"])
        #expect(stop.succeeded, "\(stop.stderr)")
        #expect(stop.stdout.contains("Stopped the daemon (pid \(pid))"))
        #expect(DaemonPidFile.runningPid(town.town) == nil)
        await #expect(try town.gw(["daemon", "status"]).stdout.contains("The daemon is not running"))
        await #expect(try town.gw(["daemon", "stop"]).stdout.contains("The daemon is not running."))
        let logs = try await town.gw(["daemon", "logs", "-n", "1"])
        #expect(logs.stdout.contains("daemon stopped"), "\(logs.stdout)")
    }

    @Test func theOutboxWorkerDeliversQueuedNotifications() async throws {
        let received = LockedBox<[String]>([])
        let server = try LoopbackHTTPServer { request, response in
            received.update { $0.append(String(decoding: request.body, as: UTF8.self)) }
            response.respond(status: 200, json: "{}")
        }
        defer { server.stop() }
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, """
            [notify.targets.log]
            kind = "console"

            [notify.targets.hook]
            kind = "webhook"
            url = "\(server.baseURL)/hook"
            """)
        defer { town.close() }
        let daemon = try town.spawnDaemon()
        try await town.wait("the pid file") { DaemonPidFile.runningPid(town.town) == daemon.pid ? true : nil }

        let webhook = try await town.gw(["notify", "send", "--target", "hook", "webhook says 你好"])
        #expect(webhook.stdout.contains("the daemon (pid \(daemon.pid)) delivers it"), "\(webhook.stdout)\(webhook.stderr)")
        let console = try await town.gw(["notify", "send", "--target", "log", "console line"])
        #expect(console.succeeded)
        let body = try await town.wait("the webhook POST") { received.get().first }
        #expect(body.contains("webhook says 你好"))
        // The console target prints into the daemon's log.
        try await town.wait("the console notification in the log") { town.daemonLog.contains("[notify log] Gateway: console line") ? true : nil }
        let entries = try await town.ledger().outboxEntries(limit: 100_000)
        #expect(entries.count == 2)
        try await town.wait("both delivered") {
            try await town.ledger().outboxEntries(limit: 100_000).allSatisfy { $0.state == .delivered } ? true : nil
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    @Test func theDaemonDeliversTurnsThatMayorSendQueues() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        let daemon = try town.spawnDaemon()
        try await town.waitForMayor()
        let send = try await town.gw(["mayor", "send", "--wait", "--timeout", "180s", "hello from the test"])
        #expect(send.succeeded, "\(send.stderr)\nlog:\n\(town.daemonLog)")
        #expect(send.stdout.contains("ECHO: hello from the test"))
        let turn = try #require(try await town.ledger().recentTurns(agent: "mayor", limit: 1).first)
        #expect(turn.state == .done)
        #expect(turn.text == "hello from the test")
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    @Test func theHealthCheckRevivesAMayorWhoseDeathNoHookReported() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, "[mayor]\nrestart_backoff = \"1s\"\nrestart_backoff_max = \"2s\"")
        defer { town.close() }
        let daemon = try town.spawnDaemon()
        let first = try await town.waitForMayor()
        // The safety net only: tmux's pane-died hook is switched off, so nothing else notices.
        #expect(try await town.tmux(["set-hook", "-u", "-t", "=mayor:", "pane-died"]).succeeded)
        kill(first, SIGKILL)
        let second = try await town.waitForMayor(not: first)
        #expect(second != first)
        let ledger = try town.ledger()
        #expect(try await ledger.restartCount("mayor", since: Date().addingTimeInterval(-600)) == 1)
        #expect(town.daemonLog.contains("no handler noticed"))

        // A vanished session (its tmux server killed) is revived the same way.
        #expect(try await town.tmux(["kill-server"]).succeeded)
        let third = try await town.waitForMayor(not: second)
        #expect(third != second)
        #expect(try await ledger.restartCount("mayor", since: Date().addingTimeInterval(-600)) == 2)
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    @Test func aCrashLoopIsReportedOnceToTheUrgentTargets() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon,
            "[mayor]\nrestart_backoff = \"1s\"\nrestart_backoff_max = \"1s\"\ncrash_loop_restarts = 1",
            "[heartbeat]\nurgent = [\"log\"]",
            "[notify.targets.log]\nkind = \"console\"")
        defer { town.close() }
        // Verbose: each health check that sees the crash loop logs it at debug.
        let daemon = try town.spawnDaemon(["--verbose"])
        let first = try await town.waitForMayor()
        kill(first, SIGKILL)
        let second = try await town.waitForMayor(not: first)
        kill(second, SIGKILL)
        let ledger = try town.ledger()
        try await town.wait("the crash loop") { try await ledger.agent("mayor")?.state == .crashLoop ? true : nil }
        try await town.wait("the crash-loop notification delivered to the log") {
            town.daemonLog.contains("[notify log] [urgent] Gateway: the Mayor is in a crash loop") ? true : nil
        }
        // Several more health checks pass (each logs that it saw the loop, after queuing its notice);
        // the episode is still told once.
        let checks = town.daemonLog.components(separatedBy: "health check: the Mayor is in a crash loop").count - 1
        try await town.wait("three more health checks that saw the crash loop") {
            town.daemonLog.components(separatedBy: "health check: the Mayor is in a crash loop").count - 1 >= checks + 3 ? true : nil
        }
        let rows = try await ledger.outboxEntries(limit: 100_000).filter { $0.source.hasPrefix("crashloop:mayor:") }
        #expect(rows.count == 1)
        #expect(rows.first?.priority == "urgent")
        #expect(rows.first?.state == .delivered)
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }
    /// `gw heartbeat now` records the beat and pokes the daemon, which delivers its turn and, when the
    /// Mayor's Stop hook pokes it, handles the reply — with no timer of its own due within the test.
    @Test func heartbeatNowIsDeliveredAndHandledByTheDaemonOnItsPokes() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, "[heartbeat]\nnotify = [\"log\"]", "[notify.targets.log]\nkind = \"console\"")
        defer { town.close() }
        try "## Beat task\n- check the builds\n".write(to: town.town.heartbeatFile, atomically: true, encoding: .utf8)
        let daemon = try town.spawnDaemon(["--verbose"])
        try await town.waitForMayor()
        let now = try await town.gw(["heartbeat", "now"])
        #expect(now.succeeded, "\(now.stderr)")
        let ledger = try town.ledger()
        let beat = try #require(try await ledger.heartbeatHistory(limit: 1).first)
        let run = try #require(try await ledger.heartbeatRun(beatId: beat.id))
        try await town.wait("the beat handled") { try await ledger.heartbeatRun(beatId: run.beatId)?.state == "handled" ? true : nil }
        // The daemon pasted it (the command only queued it and rang), once.
        #expect(town.daemonLog.contains("pasting turn \(run.turnId) into mayor"), "log:\n\(town.daemonLog)")
        #expect(try await ledger.recentTurns(agent: "mayor", limit: 10).count == 1)
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    /// A daemon killed with SIGKILL leaves its socket behind: hooks and commands go on without it, and
    /// the next daemon takes the socket over and is woken through it again.
    @Test func aKilledDaemonsSocketFailsNoHookAndTheNextDaemonTakesItOver() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        let first = try town.spawnDaemon()
        try await town.waitForMayor()
        first.signal(SIGKILL)
        _ = try await first.wait()
        let socket = DaemonDoorbell(town: town.town).file
        #expect(FileManager.default.fileExists(atPath: socket.path), "the killed daemon left its socket")

        let payload = #"{"session_id":"s","hook_event_name":"Notification","message":"hello"}"#
        let hook = try await runProduct("gw", ["agent-event", "Notification", "--agent", "mayor", "--town", town.town.root.path],
                                        environment: town.variables, input: payload)
        #expect(hook.succeeded, "\(hook.stderr)")
        #expect(try await town.ledger().events(agent: "mayor").contains { $0.payload.contains("hello") })
        // With no daemon, the command delivers its turn itself, with the same code the daemon uses.
        let alone = try await town.gw(["mayor", "send", "--wait", "--timeout", "180s", "sent with no daemon"])
        #expect(alone.stdout.contains("ECHO: sent with no daemon"), "\(alone.stderr)")

        let second = try town.spawnDaemon()
        try await town.wait("the new pid file") { DaemonPidFile.runningPid(town.town) == second.pid ? true : nil }
        let send = try await town.gw(["mayor", "send", "--wait", "--timeout", "180s", "after the restart"])
        #expect(send.stdout.contains("ECHO: after the restart"), "\(send.stderr)\nlog:\n\(town.daemonLog)")
        second.signal(SIGTERM)
        #expect(try await second.wait() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket.path), "a daemon that stops removes its socket")
    }

    @Test func startReportsTheLogWhenTheDaemonCannotRun() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon)
        defer { town.close() }
        try "[daemon]\npoll = \"often\"\n".write(to: town.town.configFile, atomically: true, encoding: .utf8)
        let start = try await town.gw(["daemon", "start"])
        #expect(start.status == 1)
        #expect(start.stderr.contains("the daemon exited at once"), "\(start.stderr)")
        // The log's end, with the config problem that stopped it, file, line and key.
        #expect(start.stderr.contains("gateway.toml:2: daemon.poll"), "\(start.stderr)")
        #expect(DaemonPidFile.runningPid(town.town) == nil)
    }
}
