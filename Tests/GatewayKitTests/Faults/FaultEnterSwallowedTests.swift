import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
import GatewayTestSupport

/// Scenario 5: the Mayor's terminal swallows the first Enter of about one prompt in five (gw-agent-sim's
/// `ignore_first_enter` on a seeded `chance` rule). Every prompt goes through `gw mayor send` and must be
/// submitted exactly once: one UserPromptSubmit carrying it in the ledger, one user record in the
/// agent's transcript, one turn, done, with its echo as the reply.
@Suite(.serialized) struct FaultEnterSwallowedTests {
    @Test func everyPromptIsSubmittedExactlyOnce() async throws {
        var tally = FaultTally("enter-swallowed")
        var generator = FaultPlan.generator()
        tally.seed = generator.seed
        // The sim draws from the rules' seed; the first prompt is swallowed on cue, so even the short
        // form always meets the fault.
        let rules = """
            seed = \(generator.next() >> 1)

            [[rule]]
            name = "on cue"
            match = "(swallowed on cue)"
            ignore_first_enter = true

            [[rule]]
            name = "at random"
            chance = 0.2
            ignore_first_enter = true
            """
        let town = try await TestTown(.sim(rules: rules), config: TestTown.quickMayor)
        defer { town.close() }
        let count = FaultPlan.trials(short: 15, full: 200)
        var prompts: [String] = []
        for index in 1...count {
            // No random id: the swallows replay from the tally's seed.
            let prompt = "prompt \(index) of \(count)\(index == 1 ? " (swallowed on cue)" : "") \(generator.next() % 1_000_000)"
            prompts.append(prompt)
            tally.trials += 1
            let result = try await town.gw(["mayor", "send", "--wait", "--timeout", "60s", prompt])
            if result.status != 0 || result.stdout != "ECHO: \(prompt)\n" {
                tally.fail("send \(index) exited \(result.status): \(result.stderr.prefix(300)) \(result.stdout.prefix(200))")
            }
        }
        try await check(prompts, town: town, tally: &tally)
        tally.finish()
    }

    /// Reads back, per prompt, the turn rows, the UserPromptSubmit events and the transcript's user records.
    func check(_ prompts: [String], town: TestTown, tally: inout FaultTally) async throws {
        let ledger = try town.ledger()
        let turns = try await ledger.recentTurns(agent: "mayor", limit: 100_000)
        let submitted = try await ledger.events(agent: "mayor").filter { $0.event == .userPromptSubmit }
            .compactMap { HookEvent(name: $0.event, json: $0.payload).prompt }
        let session = try #require(try await town.agent()?.sessionId)
        let transcript = try String(contentsOf: try town.runtime().transcriptPath(sessionId: session), encoding: .utf8)
        let received = transcript.split(separator: "\n").compactMap { line -> String? in
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  record["type"] as? String == "user", let message = record["message"] as? [String: Any] else { return nil }
            return message["content"] as? String
        }
        for prompt in prompts {
            let label = String(prompt.prefix(24))
            let rows = turns.filter { $0.text == prompt }
            let hooks = submitted.filter { $0 == prompt }.count
            let records = received.filter { $0 == prompt }.count
            if rows.count != 1 { tally.fail("\(label): \(rows.count) turn rows") }
            for (what, seen) in [("UserPromptSubmit events", hooks), ("transcript records", records)] {
                if seen == 0 { tally.lose("\(label): no \(what)") }
                if seen > 1 { tally.duplicate("\(label): \(seen) \(what)", count: seen - 1) }
            }
            guard let turn = rows.first else { continue }
            if turn.state != .done || turn.reply != "ECHO: \(prompt)" {
                tally.fail("\(label): turn \(turn.state.rawValue), reply \(turn.reply ?? "none"), error \(turn.error ?? "none")")
            }
            // A second Enter is pressed only when the prompt still sat in the input line: the swallow.
            if turn.enterPresses > 1 { tally.faults += 1 }
        }
        if tally.faults == 0 { tally.fail("no Enter was swallowed, not even the one on cue") }
    }
}
