import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents
import GatewayHooks

/// A Mayor turn on the real Claude Code (GW_CLAUDE_BIN) with an instant model (gw-model-sim): from
/// starting `gw mayor send --wait` to the reply recorded in the ledger (the turn's `ended_at`, written by
/// the Stop hook), beside the floor measured in the same run on the same binary and model: Claude
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

        var floorTimes: [Double] = []
        var sendTimes: [Double] = []
        var toEnter: [Double] = []
        var enterToRecorded: [Double] = []
        var enterToSubmitted: [Double] = []
        var submittedToStop: [Double] = []
        var stopToRecorded: [Double] = []
        // Round 0 warms both up (first request, caches) and is not counted.
        for round in 0...turns {
            // Alternating who goes first, so neither always follows the other's load.
            var floorTime = 0.0
            if round % 2 == 0 { floorTime = try await floor.turn("floor turn \(round)") }
            let start = Date()
            _ = try Bench.timedRun(gw, ["mayor", "send", "--wait", "--timeout", "60s", "--town", townURL.path, "bench turn \(round)"])
            guard let turn = try await ledger.recentTurns(agent: Hook.mayor, limit: 1).first, turn.text == "bench turn \(round)",
                  turn.state == .done, let sent = turn.sentAt, let ended = turn.endedAt else {
                throw GatewayError("mayor: turn \(round) did not end with a reply recorded")
            }
            if round % 2 == 1 { floorTime = try await floor.turn("floor turn \(round)") }
            guard round > 0 else { continue }
            floorTimes.append(floorTime)
            sendTimes.append(ended.timeIntervalSince(start) * 1000)
            toEnter.append(sent.timeIntervalSince(start) * 1000)
            enterToRecorded.append(ended.timeIntervalSince(sent) * 1000)
            // Where Enter → recorded goes: Claude taking the prompt and the UserPromptSubmit hook recording
            // it; Claude answering until it fires Stop (its transcript's reply record); the Stop hook's run.
            if let submitted = turn.submittedAt, let reply = turn.reply,
               let stop = await Self.stopTimes(reply: reply, under: base.appendingPathComponent("claude-config")) {
                enterToSubmitted.append(submitted.timeIntervalSince(sent) * 1000)
                submittedToStop.append(stop.fired.timeIntervalSince(submitted) * 1000)
                stopToRecorded.append(ended.timeIntervalSince(stop.fired) * 1000)
            }
        }
        let pasteDelay = try town.loadConfig().mayor.pasteDelay.milliseconds
        reporter.report("mayor.claude_enter_to_stop_p50", Bench.percentile(floorTimes, 50), "ms")
        reporter.report("mayor.send_to_reply_recorded_p50", Bench.percentile(sendTimes, 50), "ms", baseline: "mayor.claude_enter_to_stop_p50", limit: .baselinePlus(100))
        reporter.report("mayor.send_to_reply_recorded_p95", Bench.percentile(sendTimes, 95), "ms", baseline: "mayor.claude_enter_to_stop_p50")
        reporter.report("mayor.send_to_enter_p50", Bench.percentile(toEnter, 50), "ms")
        reporter.report("mayor.enter_to_reply_recorded_p50", Bench.percentile(enterToRecorded, 50), "ms", baseline: "mayor.claude_enter_to_stop_p50")
        reporter.note("mayor: send → Enter waits for the paste to show on screen (paste_delay, \(pasteDelay) ms, is only its limit)")
        if !stopToRecorded.isEmpty {
            reporter.note(String(format: "mayor: Enter → recorded, p50 of each part over %d turns: Enter → UserPromptSubmit recorded %.0f ms; → Stop fired %.0f ms; Stop fired → reply recorded (the hook's run) %.0f ms",
                                 stopToRecorded.count, Bench.percentile(enterToSubmitted, 50), Bench.percentile(submittedToStop, 50), Bench.percentile(stopToRecorded, 50)))
        }
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
