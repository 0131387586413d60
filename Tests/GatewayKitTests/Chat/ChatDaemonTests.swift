import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat
import GatewayTestSupport

/// The daemon's chat poller against a loopback Bot API: it stores what an allowed sender writes, tells
/// a stranger their code and logs only their id, keeps the token out of its log, and a second town on
/// the same bot is refused rather than left to steal updates.
@Suite(.serialized) struct ChatDaemonTests {
    static func chat(_ api: FakeBotAPI) -> String {
        "[chat.telegram]\ntoken_env = \"GW_TEST_BOT_TOKEN\"\napi_base = \"\(api.baseURL)\"\nallow = [\(ChatInboxTests.owner)]\n"
    }

    @Test func theDaemonPollsStoresAndRefusesAStrangerWithoutLoggingTheirWordsOrTheToken() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let state = TemporaryDirectory("gw-chat-state")
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, Self.chat(api))
        defer { town.close() }
        let daemon = try town.spawnDaemon(["--verbose"], variables: ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path])
        defer { daemon.signal(SIGTERM) }
        try await town.wait("the first poll") { api.offsetsPolled.isEmpty ? nil : true }
        api.deliver([ChatInboxTests.message(5, from: ChatInboxTests.owner, text: "hello from the phone"),
                     ChatInboxTests.message(6, from: 42, text: "stranger's private words")])
        let ledger = try town.ledger()
        // Any state: the conversation may already have handed it to the Mayor.
        try await town.wait("the owner's message in the ledger") {
            try await ledger.recentChatUpdates(limit: 10).contains { $0.updateId == 5 && $0.text == "hello from the phone" } ? true : nil
        }
        try await town.wait("the stranger's pairing code") { api.accepted.contains { $0.chatID == "42" && $0.text.contains("gw chat pair ") } ? true : nil }
        try await town.wait("the next poll, past both") { api.offsetsPolled.contains(7) ? true : nil }
        #expect(try await ledger.chatUpdates(bot: FakeBotAPI.botId, state: .stranger).map(\.userId) == [42])
        let health = try #require(try await ledger.chatPollHealth().first { $0.botId == FakeBotAPI.botId })
        #expect(health.lastOkAt != nil)
        #expect(health.nextOffset == 7)
        #expect(town.daemonLog.contains("Telegram user 42"))
        #expect(!town.daemonLog.contains("stranger's private words"))
        #expect(!town.daemonLog.contains(fakeToken), "the token never reaches the log, even --verbose")
        let status = try await town.gw(["chat", "status", "--json"], variables: ["GW_TEST_BOT_TOKEN": fakeToken])
        #expect(status.succeeded, "\(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(report["polled"] as? Bool == true)
        #expect((report["bots"] as? [[String: Any]])?.first { ($0["botId"] as? Int) == Int(FakeBotAPI.botId) }?["lastOkAt"] != nil)
        #expect(!status.stdout.contains(fakeToken))
    }

    @Test func aSecondTownOnTheSameBotIsRefusedAndSaysWhoPolls() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let state = TemporaryDirectory("gw-chat-state")
        let variables = ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path]
        let first = try await TestTown(.sim(), config: TestTown.quickDaemon, Self.chat(api))
        defer { first.close() }
        let firstDaemon = try first.spawnDaemon(variables: variables)
        defer { firstDaemon.signal(SIGTERM) }
        try await first.wait("the first town's poll") { api.offsetsPolled.isEmpty ? nil : true }

        let second = try await TestTown(.sim(), config: TestTown.quickDaemon, Self.chat(api))
        defer { second.close() }
        let secondDaemon = try second.spawnDaemon(variables: variables)
        defer { secondDaemon.signal(SIGTERM) }
        try await second.wait("the refusal in the second daemon's log") {
            second.daemonLog.contains("another Gateway already polls this Telegram bot") ? true : nil
        }
        #expect(second.daemonLog.contains(first.town.root.path), "it names the town that polls")
        // The refusal is logged a moment before it is recorded in the ledger.
        try await second.wait("the refusal in the ledger") {
            try await second.ledger().chatPollHealth().contains { $0.lastError?.contains("another Gateway already polls") == true } ? true : nil
        }
        #expect(api.offsetsPolled.count == 1, "only the first town's poll is held at the fake")
    }

    /// Polls that fail are retried with backoff (Telegram's own retry_after on 429), the failure shows in
    /// `gw chat status` until a poll succeeds, and nothing sent meanwhile is lost.
    @Test func failingPollsAreRetriedWithBackoffAndTheHealthShowsIt() async throws {
        #expect(ChatService.pause(after: TelegramAPIError.refused(code: 429, description: "Too Many Requests: retry after 7"), attempt: 3) == 7)
        #expect(ChatService.pause(after: TelegramTransportError(method: "getUpdates"), attempt: 0) == 1)
        #expect(ChatService.pause(after: TelegramTransportError(method: "getUpdates"), attempt: 2) == 4)
        #expect(ChatService.pause(after: TelegramTransportError(method: "getUpdates"), attempt: 20) == 60)
        let api = try FakeBotAPI()
        defer { api.stop() }
        api.failNextPoll(.status(500, description: "Internal Server Error"))
        api.failNextPoll(.drop)
        let state = TemporaryDirectory("gw-chat-state")
        let variables = ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path]
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, Self.chat(api))
        defer { town.close() }
        let daemon = try town.spawnDaemon(variables: variables)
        defer { daemon.signal(SIGTERM) }
        let ledger = try town.ledger()
        try await town.wait("the failure recorded") {
            try await ledger.chatPollHealth().first { $0.lastError?.contains("500") == true } != nil ? true : nil
        }
        let failing = try await town.gw(["chat", "status"], variables: variables)
        #expect(failing.stdout.contains("failing since"), "no poll has come back since: \(failing.stdout)")
        api.deliver([ChatInboxTests.message(3, from: ChatInboxTests.owner, text: "sent while it failed")])
        try await town.wait("the message, once the polls work again") {
            try await ledger.recentChatUpdates(limit: 5).contains { $0.updateId == 3 } ? true : nil
        }
        #expect(Array(api.offsetsPolled.prefix(3)) == [0, 0, 0], "each retry asks from the same offset")
        let health = try #require(try await ledger.chatPollHealth().first)
        #expect(try #require(health.lastOkAt) >= (health.lastErrorAt ?? .distantPast))
        let healthy = try await town.gw(["chat", "status"], variables: variables)
        #expect(!healthy.stdout.contains("failing since"), "\(healthy.stdout)")
    }
}
