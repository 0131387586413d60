import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents
import GatewayHooks

/// A Mayor turn on the real Claude Code (GW_CLAUDE_BIN) with an instant model (gw-model-sim): from
/// starting `gw mayor send --wait` to the reply recorded in the ledger (the turn's `ended_at`, written
/// once the session extraction is committed — by the daemon, or by the Stop hook when none runs), beside the floor measured in the same run on the same binary and model: Claude
/// Code's own Enter → Stop hook, in a TUI this benchmark drives itself (`FloorClaude`). The two
/// alternate turn by turn. Limit: the floor + 100 ms. How the Mayor's time splits — send → Enter
/// (start-up, readiness check, paste, paste delay) and Enter → recorded — is printed beside it.
struct MayorBench: BenchSuite {
    let name = "mayor"
    var turns: Int { Bench.quick ? 8 : 30 }

    func run(_ reporter: BenchReporter) async throws {
        guard let claude = ProcessInfo.processInfo.environment["GW_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: claude) else {
            return reporter.note("mayor: skipped — set GW_CLAUDE_BIN (scripts/bench fetches it)")
        }
        let base = try Bench.scratch(name)
        defer { try? FileManager.default.removeItem(at: base) }
        let model = try ModelSimRunner(logDirectory: base)
        defer { model.stop() }
        let gw = Bench.product("gw")
        let townURL = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", townURL.path])
        let town = Town(root: townURL)
        defer { Bench.killTmuxServer(town.tmuxSocket) }
        let profile = try BenchClaude.profile(command: claude, home: base.appendingPathComponent("claude-config"), modelURL: model.baseURL)
        try ("[town]\nname = \"bench\"\n[mayor]\nagent = \"claude\"\n" + profile).write(to: town.configFile, atomically: true, encoding: .utf8)
        _ = try Bench.timedRun(gw, ["mayor", "start", "--town", townURL.path])
        let floor = try FloorClaude(claude: claude, modelURL: model.baseURL, folder: base.appendingPathComponent("floor"))
        defer { floor.stop() }
        let ledger = try Ledger(file: town.ledgerFile)

        // First with no daemon (the command delivers, and the Stop hook extracts and commits itself), then
        // with the daemon the Mayor normally runs under (the hook records the reply and pokes it; the
        // daemon extracts and commits). The limit applies to the second, as Gateway is meant to run.
        let alone = try await measure(gw: gw, townURL: townURL, ledger: ledger, floor: floor, base: base, rounds: turns)
        try Bench.run(gw, ["daemon", "start", "--town", townURL.path])
        defer { try? Bench.run(gw, ["daemon", "stop", "--town", townURL.path]) }
        let served = try await measure(gw: gw, townURL: townURL, ledger: ledger, floor: floor, base: base, rounds: turns)
        let pasteDelay = try town.loadConfig().mayor.pasteDelay.milliseconds
        reporter.report("mayor.claude_enter_to_stop_p50", Bench.percentile(alone.floor + served.floor, 50), "ms")
        reporter.report("mayor.send_to_reply_recorded_p50", Bench.percentile(served.send, 50), "ms", baseline: "mayor.claude_enter_to_stop_p50", limit: .baselinePlus(100))
        reporter.report("mayor.send_to_reply_recorded_p95", Bench.percentile(served.send, 95), "ms", baseline: "mayor.claude_enter_to_stop_p50")
        reporter.report("mayor.send_to_enter_p50", Bench.percentile(served.toEnter, 50), "ms")
        reporter.report("mayor.enter_to_reply_recorded_p50", Bench.percentile(served.enterToRecorded, 50), "ms", baseline: "mayor.claude_enter_to_stop_p50")
        reporter.report("mayor.no_daemon_send_to_reply_recorded_p50", Bench.percentile(alone.send, 50), "ms", baseline: "mayor.claude_enter_to_stop_p50")
        reporter.note("mayor: send → Enter waits for the paste to show on screen (paste_delay, \(pasteDelay) ms, is only its limit)")
        for (label, times) in [("with the daemon", served), ("with no daemon", alone)] where !times.stopToRecorded.isEmpty {
            reporter.note(String(format: "mayor: \(label), p50 of each part over %d turns: send → Enter %.0f ms; Enter → UserPromptSubmit recorded %.0f ms; → Stop fired %.0f ms; Stop fired → reply recorded %.0f ms",
                                 times.stopToRecorded.count, Bench.percentile(times.toEnter, 50), Bench.percentile(times.enterToSubmitted, 50),
                                 Bench.percentile(times.submittedToStop, 50), Bench.percentile(times.stopToRecorded, 50)))
        }
    }

    struct Times {
        var floor: [Double] = []
        var send: [Double] = []
        var toEnter: [Double] = []
        var enterToRecorded: [Double] = []
        var enterToSubmitted: [Double] = []
        var submittedToStop: [Double] = []
        var stopToRecorded: [Double] = []
    }

    /// `rounds` Mayor turns through `gw mayor send --wait`, each beside a floor turn.
    func measure(gw: String, townURL: URL, ledger: Ledger, floor: FloorClaude, base: URL, rounds: Int) async throws -> Times {
        var times = Times()
        // Round 0 warms both up (first request, caches, a daemon just started) and is not counted.
        for round in 0...rounds {
            // Alternating who goes first, so neither always follows the other's load.
            let text = "bench turn \(UUID().uuidString.prefix(8)) \(round)"
            var floorTime = 0.0
            if round % 2 == 0 { floorTime = try await floor.turn("floor turn \(round)") }
            let start = Date()
            _ = try Bench.timedRun(gw, ["mayor", "send", "--wait", "--timeout", "60s", "--town", townURL.path, text])
            guard let turn = try await ledger.recentTurns(agent: Hook.mayor, limit: 1).first, turn.text == text,
                  turn.state == .done, let sent = turn.sentAt, let ended = turn.endedAt else {
                throw GatewayError("mayor: turn \(round) did not end with a reply recorded")
            }
            if round % 2 == 1 { floorTime = try await floor.turn("floor turn \(round)") }
            guard round > 0 else { continue }
            times.floor.append(floorTime)
            times.send.append(ended.timeIntervalSince(start) * 1000)
            times.toEnter.append(sent.timeIntervalSince(start) * 1000)
            times.enterToRecorded.append(ended.timeIntervalSince(sent) * 1000)
            // Where Enter → recorded goes: Claude taking the prompt and the UserPromptSubmit hook recording
            // it; Claude answering until it fires Stop (its transcript's reply record); the Stop hook's run
            // (and, with the daemon, its bookkeeping).
            if let submitted = turn.submittedAt, let reply = turn.reply,
               let stop = await Self.stopTimes(reply: reply, under: base.appendingPathComponent("claude-config")) {
                times.enterToSubmitted.append(submitted.timeIntervalSince(sent) * 1000)
                times.submittedToStop.append(stop.fired.timeIntervalSince(submitted) * 1000)
                times.stopToRecorded.append(ended.timeIntervalSince(stop.fired) * 1000)
            }
        }
        return times
    }
}

extension MayorBench {
    /// Claude Code writes its transcript asynchronously, a moment after the hook may have reported the
    /// reply: look again for up to a second.
    static func stopTimes(reply: String, under folder: URL) async -> StopHookTimes? {
        for _ in 0..<20 {
            if let found = try? StopHookTimes.find(reply: reply, under: folder) { return found }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}

/// gw-model-sim with no rules (every prompt answered at once with its echo), on a free port.
final class ModelSimRunner: @unchecked Sendable {
    let process = Process()
    let baseURL: String

    init(logDirectory: URL) throws {
        process.executableURL = URL(fileURLWithPath: Bench.product("gw-model-sim"))
        process.arguments = ["--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on ") else { throw GatewayError("gw-model-sim did not start: \(text)") }
        baseURL = String(text.dropFirst("listening on ".count))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
