import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks
import GatewayAgents

/// From the Mayor's Stop hook to the daemon delivering the next queued turn, with the daemon running
/// and the Mayor on gw-agent-sim (instant answers). Each round queues two turns; the daemon sends the
/// first, the agent answers and fires Stop, the hook (`gw agent-event Stop`) stores the reply and pokes
/// the daemon, whose broker extracts the session, commits it, marks the turn ended and sends the second.
///
/// Measured, per round, on one wall clock:
/// - fired: the agent wrote turn 1's reply to its transcript and runs its Stop hooks (the reply
///   record's timestamp; gw-agent-sim writes it just before firing Stop, as Claude Code does);
/// - exited: the hook process ended (the `stop_hook_summary` record the agent writes once its Stop
///   hooks have returned);
/// - ended: turn 1's `ended_at` in the ledger, written by the daemon once the extraction is committed;
/// - pasted: the daemon had pasted turn 2 into the agent and seen it drawn — turn 2's `sent_at`, recorded
///   just before Enter; the start of that delivery lies before it, so this bounds it from above.
/// The figure is pasted − exited: the time the daemon takes beyond the hook process's own run (fired →
/// exited, printed as its baseline) to finish the turn and start the next one. Limit: 20 ms.
struct HandoffBench: BenchSuite {
    let name = "handoff"
    var rounds: Int { Bench.quick ? 5 : 20 }

    func run(_ reporter: BenchReporter) async throws {
        let sim = try await SimDaemonTown.start(name)
        defer { sim.stop() }
        let ledger = try Ledger(file: sim.town.ledgerFile)
        var hookRuns: [Double] = []
        var exitToEnded: [Double] = []
        var handoffs: [Double] = []
        for round in 0..<rounds {
            let first = try await ledger.enqueueTurn(agent: Hook.mayor, text: "handoff \(round) first", source: "bench", at: Date())
            let second = try await ledger.enqueueTurn(agent: Hook.mayor, text: "handoff \(round) second", source: "bench", at: Date())
            // As `gw mayor send` does: the ledger holds the turns, the poke wakes the daemon's broker.
            DaemonDoorbell(town: sim.town).ring(.turns)
            let deadline = Date().addingTimeInterval(60)
            while try await ledger.turn(second)?.state.hasEnded != true {
                guard Date() < deadline else { throw GatewayError("turn \(second) did not end within 60 s: see \(DaemonLog.file(for: sim.town).path)") }
                try await Task.sleep(for: .milliseconds(50))
            }
            guard let one = try await ledger.turn(first), let two = try await ledger.turn(second),
                  one.state == .done, two.state == .done, let ended = one.endedAt, let sent = two.sentAt else {
                throw GatewayError("round \(round): the two turns did not both end done")
            }
            // Turn 2 has ended, so turn 1's Stop hooks have long returned.
            let stop = try StopHookTimes.find(reply: "ECHO: \(one.text)", under: sim.base)
            guard let exited = stop.exited else { throw GatewayError("round \(round): the agent never recorded that its Stop hooks returned") }
            hookRuns.append(exited.timeIntervalSince(stop.fired) * 1000)
            exitToEnded.append(ended.timeIntervalSince(exited) * 1000)
            handoffs.append(sent.timeIntervalSince(exited) * 1000)
        }
        reporter.report("handoff.stop_hook_run_p50", Bench.percentile(hookRuns, 50), "ms")
        reporter.report("handoff.hook_exit_to_turn_ended_p50", Bench.percentile(exitToEnded, 50), "ms", baseline: "handoff.stop_hook_run_p50")
        reporter.report("handoff.hook_exit_to_next_pasted_p50", Bench.percentile(handoffs, 50), "ms", baseline: "handoff.stop_hook_run_p50", limit: .atMost(20))
        reporter.report("handoff.hook_exit_to_next_pasted_p95", Bench.percentile(handoffs, 95), "ms", baseline: "handoff.stop_hook_run_p50")
        reporter.note(String(format: "handoff: hook exit → next pasted (no fixed delay: Enter waits for the paste to show), min %.0f ms, max %.0f ms over %d rounds",
                             handoffs.min() ?? 0, handoffs.max() ?? 0, handoffs.count))
    }
}

/// When the agent fired its Stop hooks for a reply, and when they returned (nil while they run), from
/// its transcript.
struct StopHookTimes {
    var fired: Date
    var exited: Date?

    static func find(reply: String, under folder: URL) throws -> StopHookTimes {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" && $0.path.contains("/projects/") } ?? []
        for file in files {
            var fired: Date?
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let stamp = (record["timestamp"] as? String).flatMap(formatter.date(from:)) else { continue }
                if record["type"] as? String == "assistant", TranscriptReader.entry(line: Data(line.utf8))?.text == reply {
                    fired = stamp
                } else if let fired, record["type"] as? String == "system", record["subtype"] as? String == "stop_hook_summary" {
                    return StopHookTimes(fired: fired, exited: stamp)
                }
            }
            if let fired { return StopHookTimes(fired: fired, exited: nil) }
        }
        throw GatewayError("no Stop hook for the reply \"\(reply)\" in the agent's transcripts under \(folder.path)")
    }
}
