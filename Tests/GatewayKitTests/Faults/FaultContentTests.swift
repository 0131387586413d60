import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// Scenario `content`: thousands of generated prompts (`ContentSamples`) queued for the Mayor on
/// gw-agent-sim through real tmux. Each must arrive by the rule — `TurnText.prepare`'s text typed
/// exactly (as Claude Code takes a paste: tabs as four spaces, the end trimmed, `HookEvent.asSubmitted`), or, over the typed limit, committed whole as the hook's inbox file with the pointer typed —
/// exactly once (one UserPromptSubmit carrying it, one turn, done, its echo the reply), or be refused
/// when queued if nothing is left of it; and the queue must never stall.
@Suite(.serialized) struct FaultContentTests {
    @Test func everyPromptArrivesByTheRuleExactlyOnce() async throws {
        var tally = FaultTally("content")
        var samples = ContentSamples(generator: FaultPlan.generator())
        tally.seed = samples.generator.seed
        let town = try await TestTown(.sim(), config: TestTown.quickMayor, "[mayor]\npaste_delay = \"30ms\"")
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        let ledger = try town.ledger()
        let count = FaultPlan.trials(short: 100, full: 2000)
        var index = 0
        let ran = "/tmp/gw-content-ran"
        try? FileManager.default.removeItem(atPath: ran)
        while index < count {
            let before = try await ledger.events(agent: "mayor").last?.id ?? 0
            var batch: [(turn: Int64, expected: String)] = []
            for _ in 0..<min(20, count - index) {
                let prompt = samples.prompt(index)
                index += 1
                tally.trials += 1
                tally.faults += PlainText.clean(prompt) == prompt ? 0 : 1
                let expected = try? TurnText.prepare(prompt)
                do {
                    let turn = try await ledger.enqueueTurn(agent: "mayor", text: prompt, source: "content", at: Date())
                    guard let expected else { tally.fail("trial \(index): an empty prompt was queued as turn \(turn)"); continue }
                    batch.append((turn, expected))
                } catch {
                    if expected != nil { tally.fail("trial \(index): refused: \(error.userMessage)") }
                }
            }
            let delivered = try await town.gw(["mayor", "deliver", "--wait", "300s", "--town", town.town.root.path])
            if delivered.status != 0 || delivered.stdout.contains("stay queued") {
                tally.fail("the queue stalled: \(delivered.stdout) \(delivered.stderr)")
            }
            if let last = batch.last?.turn {
                _ = try? await town.wait("turn \(last) to end", timeout: 120) { try await ledger.turn(last)?.state.hasEnded == true ? true : nil }
            }
            try await check(batch, after: before, town: town, ledger: ledger, tally: &tally)
        }
        if FileManager.default.fileExists(atPath: ran) { tally.fail("a tmux format in a prompt ran a command") }
        tally.finish()
    }

    /// Reads back each turn of a batch and the UserPromptSubmit events since it was queued. A text that
    /// the batch holds twice (short prompts repeat) must be submitted as many times as it was queued.
    func check(_ batch: [(turn: Int64, expected: String)], after event: Int64, town: TestTown, ledger: Ledger, tally: inout FaultTally) async throws {
        let submitted = try await ledger.events(agent: "mayor", after: event).filter { $0.event == .userPromptSubmit }
            .compactMap { HookEvent(name: $0.event, json: $0.payload).prompt }
        let queued = Dictionary(batch.map { ($0.expected, 1) }, uniquingKeysWith: +)
        for (id, expected) in batch {
            guard let turn = try await ledger.turn(id) else { tally.lose("turn \(id) is gone"); continue }
            let label = "turn \(id) (\(expected.utf8.count) bytes)"
            if turn.text != expected { tally.fail("\(label): stored text differs from the rule's") }
            let typed = turn.typedText
            if expected.utf8.count > TurnText.typedLimit {
                if turn.wireText == nil { tally.fail("\(label): over the typed limit but typed") }
                let stored = try? await shell("git show HEAD:\(TurnText.inboxPath(turn: id))", in: town.town.mayorDirectory)
                if stored != expected { tally.lose("\(label): the inbox file does not hold the text") }
            }
            let received = HookEvent.asSubmitted(typed)
            let seen = submitted.filter { $0 == received }.count - (queued[expected, default: 1] - 1)
            if seen <= 0 {
                tally.lose("\(label): no UserPromptSubmit carrying it — \(turn.state.rawValue) \(turn.error ?? "")")
            }
            if seen > 1 { tally.duplicate("\(label): submitted \(seen) times", count: seen - 1) }
            if turn.state != .done || turn.reply != "ECHO: \(received)" {
                tally.fail("\(label): \(turn.state.rawValue), enter presses \(turn.enterPresses), error \(turn.error ?? "none")")
            }
        }
    }
}
