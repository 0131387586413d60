import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayChat
import GatewayTestSupport

/// A chat budget, through the daemon with the Mayor played by gw-agent-sim: once spent, messages are
/// kept (not turned into turns), the chat is told once per pause, and `gw budget resume` sends them on.
@Suite(.serialized) struct ChatBudgetTests {
    static let owner = ChatInboxTests.owner
    let state = TemporaryDirectory("gw-chat-budget-state")

    @Test func aSpentChatBudgetKeepsMessagesAndSaysSoOnceThenResumes() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let town = try await TestTown(.sim(), config: TestTown.quickMayor, TestTown.quickDaemon, ChatDaemonTests.chat(api),
                                      "[budget.chat]\ndaily_tokens = 100")
        let daemon = try town.spawnDaemon(["--verbose"], variables: ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path])
        defer { daemon.signal(SIGTERM); town.close() }
        try await town.wait("the first poll") { api.offsetsPolled.isEmpty ? nil : true }
        func replies() -> [FakeBotAPI.Received] { api.accepted.filter { $0.chatID == String(Self.owner) } }

        // The first message is answered; its turn (thousands of tokens) spends the chat budget.
        api.deliver([ChatInboxTests.message(1, from: Self.owner, text: "first words")])
        try await town.wait("the first answer") { replies().first { $0.text.contains("first words") } }
        try await town.wait("the first turn's usage read") { () async throws -> Bool? in
            try await town.ledger().usageRows(since: .distantPast).isEmpty ? nil : true
        }

        api.deliver([ChatInboxTests.message(2, from: Self.owner, text: "second words"), ChatInboxTests.message(3, from: Self.owner, text: "third words")])
        let notice = try await town.wait("the paused notice") { replies().first { $0.text.contains("chat budget's daily tokens") } }
        #expect(notice.text.contains("your messages are kept"))
        #expect(try await town.turns().count == 1, "no turn for a paused chat")
        let kept = try await town.ledger().recentChatUpdates(limit: 10).filter { $0.state == .received }
        #expect(kept.count == 2)
        // A command is still answered while paused, and the notice is not repeated.
        api.deliver([ChatInboxTests.message(4, from: Self.owner, text: "/help")])
        try await town.wait("the help answer") { replies().first { $0.replyTo == 4 } }
        #expect(replies().filter { $0.text.contains("chat budget's daily tokens") }.count == 1)

        try await town.gwOK(["budget", "resume", "--until", "2h"])
        let answer = try await town.wait("the kept messages answered") { replies().first { $0.text.contains("second words") } }
        #expect(answer.text.contains("third words"), "both kept messages went as one turn, in order")
        #expect(try await town.turns().count == 2)
    }
}
