import Foundation
import GatewayKit
import Logging
import GatewayCore
import GatewayAgents
import GatewayHeartbeat

/// A heartbeat with the real Claude Code and an instant gw-model-sim: time from the beat's start to its
/// finding committed in the Mayor's hook, next to a plain turn (send → reply recorded) on the same Mayor,
/// so the cost of the heartbeat's own work — prompt, parsing, the daily log's commit — is visible.
struct BeatBench: BenchSuite {
    let name = "beat"

    func run(_ reporter: BenchReporter) async throws {
        guard let claude = ProcessInfo.processInfo.environment["GW_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: claude) else {
            FileHandle.standardError.write(Data("beat: skipped — set GW_CLAUDE_BIN (scripts/fetch-claude prints it)\n".utf8))
            return
        }
        let rounds = ProcessInfo.processInfo.environment["GW_BENCH_QUICK"] == nil ? 10 : 3
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-beat-\(getpid())").resolvingSymlinksInPath()
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        var logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let environment = GatewayEnvironment(processes: LiveProcessRunner(), clock: SystemWallClock(), output: CapturedOutput(), logger: logger,
                                             variables: ProcessInfo.processInfo.environment, workingDirectory: base,
                                             executablePath: Bench.product("gw"), ledgers: .gateway())
        guard case .created(let town) = try await TownInstaller(environment: environment).install(at: base.appendingPathComponent("town"), name: "bench", force: false) else { return }
        let rules = base.appendingPathComponent("rules.toml")
        try """
            [[rule]]
            match = "Bench task"
            reply = "## Bench task\\nA finding worth keeping."

            [[rule]]
            reply = "Noted."
            """.write(to: rules, atomically: true, encoding: .utf8)
        let model = try BackgroundProcess([Bench.product("gw-model-sim"), "--port", "0", "--rules", rules.path],
                                          outputFile: base.appendingPathComponent("model.out"))
        let url = String(try await model.waitForLine(startingWith: "listening on ", timeout: 20, clock: environment.clock).dropFirst("listening on ".count))
        let profile = try BenchClaude.profile(command: claude, home: base.appendingPathComponent("claude-config"), modelURL: url)
        try (try String(contentsOf: town.configFile, encoding: .utf8) + profile).write(to: town.configFile, atomically: true, encoding: .utf8)
        try "## Bench task\n- report one finding\n".write(to: town.heartbeatFile, atomically: true, encoding: .utf8)
        let config = try town.loadConfig()
        let mayor = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config))
        defer {
            model.stop()
            Bench.killTmuxServer(town.tmuxSocket)
            try? FileManager.default.removeItem(at: base)
        }
        _ = try await mayor.start()
        let ledger = try Ledger(file: town.ledgerFile)
        let delivery = TurnDelivery(lifecycle: mayor)
        var turnTimes: [Double] = []
        var beatTimes: [Double] = []
        let runner = BeatRunner(environment: environment, town: town, startedAt: Date())
        for round in 0..<rounds {
            var start = Date()
            let turn = try await ledger.enqueueTurn(agent: "mayor", text: "plain turn \(round)", source: "bench", at: start)
            try await delivery.deliverQueued(deadline: start.addingTimeInterval(60))
            _ = try await delivery.waitForEnd(turn, timeout: 60)
            turnTimes.append(Date().timeIntervalSince(start) * 1000)
            try await Task.sleep(nanoseconds: 1_100_000_000) // beats are keyed by their second
            start = Date()
            guard let beat = try await runner.runNow(tasks: []).beatId else { throw GatewayError("the bench beat was skipped") }
            let report = try await HeartbeatWaiter(environment: environment, town: town, runner: runner).waitForBeat(beat, timeout: 60)
            guard report.convoy?.items.first?.result != nil else { throw GatewayError("the bench beat stored nothing: \(report.summary)") }
            beatTimes.append(Date().timeIntervalSince(start) * 1000)
        }
        let turnMedian = Bench.percentile(turnTimes, 50)
        let beatMedian = Bench.percentile(beatTimes, 50)
        reporter.report("beat.plain_turn_p50", turnMedian, "ms")
        reporter.report("beat.beat_to_commit_p50", beatMedian, "ms", baseline: "beat.plain_turn_p50")
        reporter.report("beat.beat_to_commit_p95", Bench.percentile(beatTimes, 95), "ms", baseline: "beat.plain_turn_p50")
        reporter.report("beat.beat_over_turn_ratio", beatMedian / max(turnMedian, 0.001), "x")
    }
}

