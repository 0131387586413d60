import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents

/// The Mayor's own cost per turn, on the real Claude Code (GW_CLAUDE_BIN) and an instant gw-model-sim:
/// `gw mayor send --wait` wall time and the ledger's created→ended time over 50 turns, and how long the
/// Stop hook (`gw agent-event Stop`) takes to land in the ledger — printed beside the fixed delays the
/// delivery uses (paste_delay, the ledger poll), so what is above that floor shows.
struct MayorBench: BenchSuite {
    let name = "mayor"
    let turns = 50

    func run(_ reporter: BenchReporter) async throws {
        guard let claude = ProcessInfo.processInfo.environment["GW_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: claude) else {
            FileHandle.standardError.write(Data("mayor: skipped — set GW_CLAUDE_BIN (scripts/bench fetches it)\n".utf8))
            return
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gw-bench-mayor-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let model = try ModelSimRunner(logDirectory: base)
        defer { model.stop() }
        let gw = Bench.product("gw")
        let townURL = base.appendingPathComponent("town")
        try Bench.run(gw, ["install", townURL.path])
        let town = Town(root: townURL)
        defer { try? Bench.run("/usr/bin/env", ["tmux", "-L", town.tmuxSocket, "kill-server"]) }
        let profile = try BenchClaude.profile(command: claude, home: base.appendingPathComponent("claude-config"), modelURL: model.baseURL)
        try ("[town]\nname = \"bench\"\n[mayor]\nagent = \"claude\"\n" + profile).write(to: town.configFile, atomically: true, encoding: .utf8)
        try Bench.run(gw, ["mayor", "start", "--town", townURL.path])
        var sendTimes: [Double] = []
        for index in 0..<turns {
            sendTimes.append(try Bench.milliseconds { try Bench.run(gw, ["mayor", "send", "--wait", "--timeout", "60s", "--town", townURL.path, "bench turn \(index)"]) })
        }
        let ledger = try Ledger(file: town.ledgerFile)
        let recorded = try await ledger.recentTurns(agent: "mayor", limit: turns).compactMap { turn in
            turn.endedAt.map { $0.timeIntervalSince(turn.createdAt) * 1000 }
        }
        var hookTimes: [Double] = []
        let payload = #"{"session_id":"bench","prompt_id":"none","last_assistant_message":"x","hook_event_name":"Stop"}"#
        let payloadFile = base.appendingPathComponent("stop.json")
        try payload.write(to: payloadFile, atomically: true, encoding: .utf8)
        for _ in 0..<30 {
            hookTimes.append(try Bench.milliseconds {
                try Bench.shell("'\(gw)' agent-event Stop --agent bench --town '\(townURL.path)' < '\(payloadFile.path)'", in: base)
            })
        }
        let settings = MayorSettings()
        reporter.report("mayor.paste_delay", Double(settings.pasteDelay.milliseconds), "ms")
        reporter.report("mayor.ledger_poll", TurnDelivery.ledgerPoll.timeInterval * 1000, "ms")
        reporter.report("mayor.send_wait_p50", Bench.percentile(sendTimes, 50), "ms", baseline: "mayor.paste_delay")
        reporter.report("mayor.send_wait_p95", Bench.percentile(sendTimes, 95), "ms", baseline: "mayor.paste_delay")
        reporter.report("mayor.turn_created_to_ended_p50", Bench.percentile(recorded, 50), "ms")
        reporter.report("mayor.turn_created_to_ended_p95", Bench.percentile(recorded, 95), "ms")
        reporter.report("mayor.stop_hook_to_ledger_p50", Bench.percentile(hookTimes, 50), "ms")
        reporter.report("mayor.stop_hook_to_ledger_p95", Bench.percentile(hookTimes, 95), "ms")
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
