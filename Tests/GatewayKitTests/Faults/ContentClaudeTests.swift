import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
import GatewayTestSupport

/// The `content` scenario's sample on the real Claude Code: hostile prompts through real tmux, each
/// compared with the user text of the request gw-model-sim received — what the model itself read,
/// which is the text as Claude Code takes a paste (`HookEvent.asSubmitted`: tabs as four spaces, the
/// end trimmed).
@Suite(.serialized, .enabled(if: RealClaude.shouldRun())) struct ContentClaudeTests {
    static let fixed = [
        "tab\there; semi;\n;\nend;",
        "escape \u{1B}[201~ then \u{1B}[200~ and a bell\u{7} and NUL\u{0} gone",
        "中文 日本語 한국어 👨‍👩‍👧‍👦 🏳️‍🌈 e\u{301} שלום עולם مرحبا",
        "tmux #{pane_id} #(touch /tmp/gw-content-claude-ran) #[fg=red] ## Enter C-c send-keys",
        "shell $(id) `id` ${HOME} 'single' \"double\" \\ back\\;",
        "invisible\u{200B}zero\u{FEFF}width\u{2060}and\u{202E}marks",
        String(repeating: "a long line, ", count: 700),
        (1...150).map { "line \($0); with a semicolon" }.joined(separator: "\n"),
        "/compact is text here",
    ]

    @Test(.timeLimit(.minutes(10))) func hostilePromptsReachTheModelByTheRule() async throws {
        // Claude Code's UserPromptSubmit hook runs a debug `gw` that a loaded machine may take seconds to
        // start: Enter is pressed again, and the turn failed, only when no hook came in 10 s.
        let town = try await TestTown(.claude(try RealClaude.requireBinary()), config: TestTown.quickMayor, "[mayor]\nsubmit_timeout = \"10s\"")
        defer { town.close() }
        var samples = ContentSamples(generator: FaultPlan.generator())
        var tally = FaultTally("content-claude")
        tally.seed = samples.generator.seed
        let generated = (0..<FaultPlan.trials(short: 6, full: 60)).map { samples.prompt($0 % 96) }
        try? FileManager.default.removeItem(atPath: "/tmp/gw-content-claude-ran")
        try await town.gwOK(["mayor", "start"])
        let ledger = try town.ledger()
        for prompt in Self.fixed + generated {
            guard let expected = try? TurnText.prepare(prompt) else { continue }
            tally.trials += 1
            let before = try town.model?.requests().count ?? 0
            let id = try await ledger.enqueueTurn(agent: "mayor", text: prompt, source: "content", at: Date())
            let delivered = try await town.gw(["mayor", "deliver", "--wait", "60s"])
            if delivered.status != 0 { tally.fail("turn \(id): delivery exited \(delivered.status): \(delivered.stderr)") }
            let turn = try await town.wait("turn \(id) to end", timeout: 60) { try await ledger.turn(id).flatMap { $0.state.hasEnded ? $0 : nil } }
            // Side requests (the session's title) carry the prompt too; only the conversation's count.
            let seen = try (town.model?.requests() ?? []).dropFirst(before).filter { ($0["structured"] as? Bool) != true }
                .compactMap { $0["last_user_text"] as? String }.filter { $0 == HookEvent.asSubmitted(turn.typedText) }
            if turn.text != expected { tally.fail("turn \(id): stored text differs from the rule's") }
            if seen.isEmpty { tally.lose("turn \(id) (\(expected.utf8.count) bytes): the model never read it as sent; \(turn.state.rawValue) \(turn.error ?? "")") }
            if seen.count > 1 { tally.duplicate("turn \(id): read \(seen.count) times", count: seen.count - 1) }
            if turn.state != .done { tally.fail("turn \(id): \(turn.state.rawValue) \(turn.error ?? "")") }
        }
        if FileManager.default.fileExists(atPath: "/tmp/gw-content-claude-ran") { tally.fail("a tmux format in a prompt ran a command") }
        tally.finish()
    }
}
