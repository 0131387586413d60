import Foundation
import Testing
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayChat
import GatewayTestSupport

/// How chat messages become Mayor turns in the ledger: messages join their chat's queued turn until a
/// delivery fixes that turn's text for its paste; from then on a new message starts the next turn, so
/// nothing is added to a text already on its way into the Mayor's input line (where it would be lost).
@Suite struct ChatTurnLedgerTests {
    let directory = TemporaryDirectory("gw-chat-turns")
    static let bot = ChatInboxTests.bot
    static let owner = ChatInboxTests.owner

    /// Stores message `id` as received and returns its record.
    func receive(_ id: Int64, _ ledger: Ledger) async throws -> InboundRecord {
        let body = try ChatInboxTests.answer([ChatInboxTests.message(id, from: Self.owner, text: "message \(id)")])
        let update = try #require(try TelegramUpdate.parse(body, botId: Self.bot).first)
        try await ledger.recordChatUpdates([InboundUpdate(update: update, state: .received)], bot: Self.bot, at: Date())
        return try #require(try await ledger.chatUpdates(bot: Self.bot, state: .received).first { $0.updateId == id })
    }

    func queue(_ record: InboundRecord, _ ledger: Ledger) async throws -> Int64? {
        try await ledger.queueChatMessage(record, agent: "mayor", block: "message \(record.updateId)", at: Date())
    }

    /// A person waiting in the chat goes before queued beats: behind at most the turn that was running.
    @Test func aChatTurnGoesBeforeBeatsQueuedAheadOfIt() async throws {
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let beat = try await ledger.enqueueTurn(agent: "mayor", text: "the heartbeat's tasks", source: "heartbeat", at: Date())
        let chat = try #require(try await queue(try await receive(1, ledger), ledger))
        #expect(chat > beat)
        #expect(try await ledger.nextQueuedTurn(agent: "mayor")?.id == chat)
        #expect(try await ledger.pendingTurns(agent: "mayor").map(\.id) == [chat, beat], "listed in the order they go")
        try await ledger.endTurn(chat, state: .failed, error: "dropped", at: Date())
        #expect(try await ledger.nextQueuedTurn(agent: "mayor")?.id == beat, "then the beat, once")
    }

    @Test func aMessageArrivingWhileItsChatsTurnIsBeingTypedStartsTheNextTurn() async throws {
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let first = try #require(try await queue(try await receive(1, ledger), ledger))
        #expect(try await queue(try await receive(2, ledger), ledger) == first, "a message joins its chat's queued turn")

        let typed = try #require(try await ledger.freezeTypedText(first))
        #expect(typed.contains("message 1") && typed.contains("message 2"))
        let next = try #require(try await queue(try await receive(3, ledger), ledger))
        #expect(next != first, "the turn being typed takes nothing more")
        #expect(try await ledger.turn(first)?.text.contains("message 3") == false)
        #expect(try await ledger.turn(first)?.typedText == typed)
        #expect(try await ledger.freezeTypedText(first) == typed, "fixed once: a delivery starting over types the same text")
        #expect(try await ledger.queuedChatTurn(bot: Self.bot, chat: Self.owner)?.turnId == next, "/cancel drops only what still waits")

        try await ledger.endTurn(next, state: .failed, error: "cancelled", at: Date())
        #expect(try await ledger.freezeTypedText(next) == nil, "an ended turn is not typed")
    }
}
