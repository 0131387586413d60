import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks
import GatewayAgents
import GatewayMemory
import Logging

/// `gw agent-event`, the command Claude Code runs at every hook event, next to `gw-bench-hello` (a
/// Foundation hello-world built the same way) as the floor of starting a Swift process. Each round is
/// two Mayor turns as Claude Code reports them: the turn is queued and sent in the ledger, then
/// UserPromptSubmit, then Stop with one new prompt and reply in the transcript. Limit: 2x.
///
/// The first turn has a daemon beside it, as in normal use — the bench plays its part: a pid file naming
/// this process, the daemon's socket bound, and what its broker then does (`ReplyBookkeeping`: the
/// extraction into memory/sessions and its commit, timed on its own). The second turn has none, and its
/// Stop hook does that work itself (`stop_alone`).
struct AgentEventBench: BenchSuite {
    let name = "agent-event"
    var rounds: Int { Bench.quick ? 10 : 30 }

    func run(_ reporter: BenchReporter) async throws {
        let base = try Bench.scratch(name)
        defer { try? FileManager.default.removeItem(at: base) }
        let gw = Bench.product("gw")
        let hello = Bench.product("gw-bench-hello")
        let town = Town(root: base.appendingPathComponent("town"))
        try Bench.run(gw, ["install", town.root.path])
        let claudeHome = base.appendingPathComponent("claude")
        let session = UUID().uuidString.lowercased()
        let transcript = TranscriptReader.path(configDirectory: claudeHome, cwd: town.mayorDirectory.path, sessionId: session)
        try FileManager.default.createDirectory(at: transcript.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: transcript)
        // What Gateway starts the Mayor with, so the hook finds its town, agent and transcript as under Claude.
        let environment = ["GW_TOWN": town.root.path, "GW_AGENT": Hook.mayor, "CLAUDE_CONFIG_DIR": claudeHome.path, "HOME": base.path]
        let ledger = try Ledger(file: town.ledgerFile)
        let payload = base.appendingPathComponent("payload.json")
        let listener = try DoorbellListener(doorbell: DaemonDoorbell(town: town)) { _ in }
        defer { listener.cancel() }
        var logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let bookkeeping = ReplyBookkeeping(environment: .live(logger: logger), town: town,
                                           claudeHome: ClaudeConfigHome(variables: environment)) { try town.loadConfig().memoryConfig }
        var helloTimes: [Double] = []
        var submitTimes: [Double] = []
        var stopTimes: [Double] = []
        var aloneTimes: [Double] = []
        var bookkeepingTimes: [Double] = []
        for index in 0..<(2 * rounds) {
            let round = index / 2
            let withDaemon = index % 2 == 0
            if withDaemon {
                try FileSystem.writeAtomically("\(getpid())\n", to: DaemonPidFile.url(town))
            } else {
                try? FileManager.default.removeItem(at: DaemonPidFile.url(town))
            }
            let text = "bench prompt \(round)\(withDaemon ? "" : " alone")"
            let promptId = UUID().uuidString.lowercased()
            let turn = try await ledger.enqueueTurn(agent: Hook.mayor, text: text, source: "bench", at: Date())
            try await ledger.markTurnSent(turn, at: Date())
            try Self.append(transcript, Self.record("user", text: text, promptId: promptId, session: session))
            try Self.write(payload, ["session_id": session, "transcript_path": transcript.path, "cwd": town.mayorDirectory.path,
                                     "hook_event_name": "UserPromptSubmit", "permission_mode": "acceptEdits",
                                     "prompt_id": promptId, "prompt": text])
            // The floor beside each event, so both see the same moment's load.
            helloTimes.append(try Bench.timedRun(hello, []))
            let submitTime = try Bench.timedRun(gw, ["agent-event", "UserPromptSubmit"], environment: environment, input: payload)
            if withDaemon { submitTimes.append(submitTime) }

            let reply = "ECHO: \(text)"
            try Self.append(transcript, Self.record("assistant", text: reply, promptId: promptId, session: session))
            try Self.write(payload, ["session_id": session, "transcript_path": transcript.path, "cwd": town.mayorDirectory.path,
                                     "hook_event_name": "Stop", "permission_mode": "acceptEdits", "prompt_id": promptId,
                                     "stop_hook_active": false, "last_assistant_message": reply, "effort": ["level": "medium"],
                                     "background_tasks": [Any](), "session_crons": [Any]()])
            helloTimes.append(try Bench.timedRun(hello, []))
            let stopTime = try Bench.timedRun(gw, ["agent-event", "Stop"], environment: environment, input: payload)
            if withDaemon {
                stopTimes.append(stopTime)
                guard try await ledger.turn(turn)?.state == .replied else { throw GatewayError("the bench's Stop did not hand turn \(turn) to the daemon") }
                let started = DispatchTime.now()
                guard try await bookkeeping.finishAll(ledger: ledger) == [turn] else { throw GatewayError("the daemon's part did not finish turn \(turn)") }
                bookkeepingTimes.append(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
            } else {
                aloneTimes.append(stopTime)
            }
            guard try await ledger.turn(turn)?.state == .done else { throw GatewayError("the bench's Stop did not end turn \(turn)") }
        }
        let sessions = town.mayorDirectory.appendingPathComponent("memory/sessions")
        guard let logs = try? FileManager.default.contentsOfDirectory(atPath: sessions.path), !logs.isEmpty else {
            throw GatewayError("Stop extracted nothing into \(sessions.path): the figure would not be the real hook")
        }
        reporter.report("agent_event.hello_p50", Bench.percentile(helloTimes, 50), "ms")
        reporter.report("agent_event.user_prompt_submit_p50", Bench.percentile(submitTimes, 50), "ms", baseline: "agent_event.hello_p50", limit: .timesBaseline(2))
        reporter.report("agent_event.stop_p50", Bench.percentile(stopTimes, 50), "ms", baseline: "agent_event.hello_p50", limit: .timesBaseline(2))
        reporter.report("agent_event.stop_p95", Bench.percentile(stopTimes, 95), "ms", baseline: "agent_event.hello_p50")
        reporter.report("agent_event.stop_daemon_part_p50", Bench.percentile(bookkeepingTimes, 50), "ms")
        reporter.report("agent_event.stop_alone_p50", Bench.percentile(aloneTimes, 50), "ms", baseline: "agent_event.hello_p50")
    }

    /// A transcript record as Claude Code writes one (the fields the extraction reads).
    static func record(_ type: String, text: String, promptId: String, session: String) -> [String: Any] {
        let content: Any = type == "user" ? text : [["type": "text", "text": text]]
        var message: [String: Any] = ["role": type, "content": content]
        if type == "assistant" {
            message["id"] = "msg_\(UUID().uuidString.prefix(8))"
            message["usage"] = ["input_tokens": 2_000, "output_tokens": 10]
        }
        return ["type": type, "uuid": UUID().uuidString.lowercased(), "sessionId": session, "promptId": promptId,
                "timestamp": ISO8601DateFormatter().string(from: Date()), "isSidechain": false, "message": message]
    }

    static func append(_ file: URL, _ object: [String: Any]) throws {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: try JSONSerialization.data(withJSONObject: object) + Data("\n".utf8))
    }

    static func write(_ file: URL, _ object: [String: Any]) throws {
        try JSONSerialization.data(withJSONObject: object).write(to: file)
    }
}
