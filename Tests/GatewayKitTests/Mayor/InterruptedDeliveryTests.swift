import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayAgents
import GatewayTestSupport

/// A delivery killed after pasting a prompt but before it was submitted (the daemon's SIGKILL) leaves
/// the prompt in the Mayor's input line. The next delivery presses Enter for it — once — instead of
/// waiting behind it as if someone were typing, or pasting it a second time.
@Suite(.serialized) struct InterruptedDeliveryTests {
    /// Pastes `text` into the Mayor's input line the way `TurnDelivery` does, and waits to see it.
    func pasteAsAKilledDeliveryDid(_ text: String, into town: TestTown) async throws {
        try await town.tmuxOK(["set-buffer", "-b", "killed", "--", text])
        try await town.tmuxOK(["paste-buffer", "-p", "-d", "-b", "killed", "-t", "=mayor:"])
        try await town.wait("the pasted prompt in the input line") { await town.screen().contains(text) ? true : nil }
    }

    func expectSubmittedOnce(_ town: TestTown, _ id: Int64, _ text: String) async throws {
        let ledger = try town.ledger()
        let turn = try await town.wait("the turn done") { () async throws -> Turn? in
            guard let turn = try await ledger.turn(id), turn.state.hasEnded else { return nil }
            return turn
        }
        #expect(turn.state == .done && turn.reply == "ECHO: \(text)", "\(turn)")
        let submits = try await town.events().filter { $0.event == "UserPromptSubmit" }
        #expect(submits.count == 1)
        #expect(submits.first.map { HookEvent(name: .userPromptSubmit, json: $0.payload).prompt } == text, "submitted whole, not pasted twice")
    }

    @Test func aQueuedTurnAlreadyPastedIsSubmittedNotPastedAgain() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        let text = "heartbeat prompt pasted just before the kill"
        let id = try await town.ledger().enqueueTurn(agent: "mayor", text: text, source: "test", at: Date())
        try await pasteAsAKilledDeliveryDid(text, into: town)
        try await town.gwOK(["mayor", "deliver", "--wait", "20s"])
        try await expectSubmittedOnce(town, id, text)
        #expect(try await town.ledger().turn(id)?.enterPresses == 1)
    }

    @Test func aSentTurnWhoseEnterNeverCameIsSubmittedOnce() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        let text = "killed between marking it sent and pressing Enter"
        let ledger = try town.ledger()
        let id = try await ledger.enqueueTurn(agent: "mayor", text: text, source: "test", at: Date())
        try await pasteAsAKilledDeliveryDid(text, into: town)
        try await ledger.markTurnSent(id, at: Date())
        try await town.gwOK(["mayor", "deliver", "--wait", "20s"])
        try await expectSubmittedOnce(town, id, text)
        #expect(try await ledger.turn(id)?.enterPresses == 2)
    }

    @Test func textAPersonTypedIsStillLeftAlone() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickMayor)
        defer { town.close() }
        try await town.gwOK(["mayor", "start"])
        let id = try await town.ledger().enqueueTurn(agent: "mayor", text: "from gateway", source: "test", at: Date())
        try await pasteAsAKilledDeliveryDid("a person's own words", into: town)
        let deliver = try await town.gw(["mayor", "deliver", "--wait", "2s"])
        #expect(deliver.stdout.contains("someone is typing in its input line"), "\(deliver.stdout)\(deliver.stderr)")
        #expect(try await town.ledger().turn(id)?.state == .queued)
        #expect(try await town.events().filter { $0.event == "UserPromptSubmit" }.isEmpty)
    }
}
