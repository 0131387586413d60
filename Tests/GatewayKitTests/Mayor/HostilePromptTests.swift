import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// Prompts a hostile or careless sender could write, through `gw` and real tmux to gw-agent-sim, whose
/// UserPromptSubmit hook carries exactly what reached its input line. Each test names the finding it
/// guards: before these rules, each of these jammed the queue, garbled the text or typed keys.
@Suite(.serialized) struct HostilePromptTests {
    /// The slow answer is held until the test creates `gate`: the turn runs for as long as the test
    /// looks at the queue, however slowly a loaded machine runs it.
    static func rules(gate: URL) -> String {
        """
        [[rule]]
        match = "think slowly"
        reply = "Thought slowly."
        hold_until = "\(gate.path)"
        delay = "1s"

        [[rule]]
        match = "quote a dialog"
        reply = "The screen said: Do you want to proceed?\\n ❯ 1. Yes\\nand: Yes, I trust this folder\\nQuick safety check"
        """
    }

    /// This test's gate for the slow answer (each test runs on an instance of its own); no file yet.
    let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-slow-gate-\(UUID().uuidString)")

    func town() async throws -> TestTown {
        try await TestTown(.sim(rules: Self.rules(gate: gate)), config: TestTown.quickMayor)
    }

    /// The prompts the agent took, in order, from its UserPromptSubmit hooks.
    func submitted(_ town: TestTown) async throws -> [String] {
        try await town.events().filter { $0.event == "UserPromptSubmit" }.compactMap { HookEvent(name: .userPromptSubmit, json: $0.payload).prompt }
    }

    @Test func aPromptTooLongForOneTmuxCommandArrivesWholeAndTheQueueMovesOn() async throws {
        let town = try await town()
        defer { town.close() }
        // 240 lines, about 20 KB: one tmux command of it was refused ("command too long") and jammed every later turn.
        let long = (1...240).map { "line \($0): the quick brown fox jumps over the lazy dog; 敏捷的狐狸 #{pane_id}" }.joined(separator: "\n")
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "120s", long]) == "ECHO: \(long)\n")
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", ";"]) == "ECHO: ;\n")
        #expect(try await submitted(town) == [long, ";"])
        #expect(try await town.turns().map(\.state) == [.done, .done])
    }

    @Test func semicolonsArriveWhereverTheyStand() async throws {
        let town = try await town()
        defer { town.close() }
        let prompts = ["semi;", "a;\n;\n;b;", "back\\;", ";;", "x ; y;;\n;"]
        for prompt in prompts {
            #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", prompt]) == "ECHO: \(prompt)\n")
        }
        #expect(try await submitted(town) == prompts)
        #expect(try await town.turns().allSatisfy { $0.state == .done && $0.enterPresses == 1 })
    }

    @Test func controlCharactersAreRemovedAndNeverEndThePasteOrPressKeys() async throws {
        let town = try await town()
        defer { town.close() }
        // ESC[201~ ended the bracketed paste early: what followed arrived as typed keys, its newline an Enter.
        let hostile = "before\u{1B}[201~\nafter\u{7}bell\ttab\r\nwindows\u{9B}c1\u{7F}del\u{1B}[200~end"
        let expected = "before[201~\nafterbell\ttab\nwindowsc1del[200~end"
        let received = "before[201~\nafterbell    tab\nwindowsc1del[200~end"
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", hostile]) == "ECHO: \(received)\n")
        #expect(try await submitted(town) == [received])
        let turn = try #require(try await town.turns().last)
        #expect(turn.text == expected && turn.enterPresses == 1)
    }

    @Test func aNulByteNoLongerCutsThePromptInTheLedger() async throws {
        let town = try await town()
        defer { town.close() }
        let result = try await runProduct("gw", ["mayor", "send", "-", "--wait", "--timeout", "60s", "--town", town.town.root.path],
                                          in: town.directory.url, input: "kept\u{0}after the NUL\nand a second line")
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stdout == "ECHO: keptafter the NUL\nand a second line\n")
        let turn = try #require(try await town.turns().last)
        #expect(turn.text == "keptafter the NUL\nand a second line")
    }

    @Test func aPromptOverTheTypedLimitIsSavedToTheHookAndPointedAt() async throws {
        let town = try await town()
        defer { town.close() }
        let huge = String((0..<3000).map { "row \($0) 第\($0)行; #(echo no) `x` $(y)\n" }.joined().prefix(100_000))
        #expect(huge.utf8.count > TurnText.typedLimit)
        let reply = try await town.gwOK(["mayor", "send", "--wait", "--timeout", "120s", huge])
        let turn = try #require(try await town.turns().last)
        #expect(turn.state == .done && turn.text == huge)
        let pointer = try #require(turn.wireText)
        #expect(reply == "ECHO: \(pointer)\n")
        #expect(pointer.contains(town.town.mayorDirectory.appendingPathComponent("inbox/prompt-\(turn.id).md").path))
        #expect(try await submitted(town) == [pointer])
        let committed = try await shell("git show HEAD:inbox/prompt-\(turn.id).md", in: town.town.mayorDirectory)
        #expect(committed == huge)
    }

    @Test func aConversationQuotingADialogDoesNotDeferTheNextTurn() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "quote a dialog"])
        #expect(await town.screen().contains("Do you want to proceed?"))
        // The quote sat on screen and read as a live permission prompt: every later delivery deferred.
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "30s", "next"]) == "ECHO: next\n")
        try await town.gwOK(["mayor", "restart"])
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "30s", "after restart"]) == "ECHO: after restart\n")
    }

    @Test func commandsShellLinesAndAttachmentsAreRefusedOrSentAsText() async throws {
        let town = try await town()
        defer { town.close() }
        for text in ["/compact", "  !rm -rf ~", "@/etc/passwd"] {
            let refused = try await town.gw(["mayor", "send", text])
            #expect(refused.status == 2 && refused.stderr.contains("--literal"), "\(refused)")
        }
        #expect(try await town.turns().isEmpty)
        let literal = try await town.gwOK(["mayor", "send", "--literal", "--wait", "--timeout", "60s", "/compact now"])
        let sent = TurnText.literalLabel + "\n/compact now"
        #expect(literal == "ECHO: \(sent)\n")
        #expect(try await submitted(town) == [sent])
        #expect(try await town.events().allSatisfy { $0.event != "PreCompact" })
    }

    @Test func anEmptyPromptIsRefusedWhenQueued() async throws {
        let town = try await town()
        defer { town.close() }
        for text in ["", "   \n\t", "\u{1B}\u{7}\u{8}"] {
            let refused = try await town.gw(["mayor", "send", text])
            #expect(refused.status == 2 && refused.stderr.contains("empty"), "\(refused)")
        }
        #expect(try await town.turns().isEmpty)
        await #expect(throws: GatewayError.self) {
            _ = try await town.ledger().enqueueTurn(agent: "mayor", text: "\u{0}\r\n", source: "test", at: Date())
        }
    }

    @Test func theQueueSaysWhyEachTurnWaitsAndCancelDropsOne() async throws {
        let town = try await town()
        defer { town.close(); try? FileManager.default.removeItem(at: gate) }
        try await town.gwOK(["mayor", "send", "--timeout", "60s", "think slowly"])
        let ledger = try town.ledger()
        let second = try await ledger.enqueueTurn(agent: "mayor", text: "second", source: "manual", at: Date())
        let third = try await ledger.enqueueTurn(agent: "mayor", text: "third", source: "manual", at: Date())
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let queue = try decoder.decode([TurnQueue.Entry].self, from: Data(try await town.gwOK(["mayor", "queue", "--json"]).utf8))
        #expect(queue.map(\.id) == [1, second, third])
        #expect(queue[0].state == .submitted || queue[0].state == .sent)
        #expect(queue[1].why == "waits for turn 1 to end" && queue[2].why == "waits behind earlier turns")
        let status = try await town.gwOK(["mayor", "status"])
        #expect(status.contains("waiting   turn 1") && status.contains("gw mayor cancel 1"), "\(status)")
        #expect(try await town.gwOK(["mayor", "cancel", "\(third)"]).contains("will not be sent"))
        let again = try await town.gw(["mayor", "cancel", "\(third)"])
        #expect(again.status != 0 && again.stderr.contains("already ended"))
        #expect(try await town.gw(["mayor", "cancel", "999"]).stderr.contains("`gw mayor queue`"))
        // The slow answer may come now.
        try Data().write(to: gate)
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "fourth"]) == "ECHO: fourth\n")
        let turns = try await town.turns()
        #expect(turns.map(\.state) == [.done, .done, .failed, .done])
        #expect(turns[2].error?.contains("cancelled") == true)
        #expect(try await submitted(town) == ["think slowly", "second", "fourth"])
    }

    @Test func aTurnThatCannotBeDeliveredFailsWithItsReasonAndTheNextGoes() async throws {
        let town = try await town()
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        // A file where the hook's inbox folder should be: the large prompt cannot be saved there.
        try "not a folder\n".write(to: town.town.mayorDirectory.appendingPathComponent("inbox"), atomically: true, encoding: .utf8)
        let ledger = try town.ledger()
        let large = try await ledger.enqueueTurn(agent: "mayor", text: String(repeating: "big prompt line\n", count: 5000), source: "test", at: Date())
        #expect(try await town.gwOK(["mayor", "send", "--wait", "--timeout", "60s", "after it"]) == "ECHO: after it\n")
        let failed = try #require(try await ledger.turn(large))
        #expect(failed.state == .failed)
        #expect(failed.error?.hasPrefix("not delivered: its text (80000 bytes) is too large to type and could not be saved to the mayor's hook") == true, "\(failed.error ?? "")")
        #expect(try await submitted(town) == ["after it"])
    }
}
