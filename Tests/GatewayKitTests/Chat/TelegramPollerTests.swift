import Foundation
import Logging
import Testing
import GatewayTestSupport
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat

/// One long poll against a loopback Bot API: updates stored before the offset moves past them, a
/// stranger told a code once, and Telegram's refusals and dead connections reported without the token.
@Suite struct TelegramPollerTests {
    static let token = "4242:poller-secret-token"

    struct Fixture {
        let directory = TemporaryDirectory("gw-chat-poll")
        let api: FakeBotAPI
        let ledger: Ledger
        let poller: TelegramPoller

        init(margin: TimeInterval = TelegramPoller.margin) throws {
            api = try FakeBotAPI()
            ledger = try Ledger(file: directory.path("ledger.sqlite"))
            let settings = TelegramChatSettings(token: SecretReference(key: "chat.telegram.token_env", source: .environment("T")),
                                                apiBase: api.baseURL, allow: [ChatInboxTests.owner])
            var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            logger.logLevel = .critical
            let environment = GatewayEnvironment.live(logger: logger)
            let bot = TelegramBotAPI(http: environment.http, apiBase: api.baseURL, token: TelegramPollerTests.token)
            let inbox = ChatInbox(settings: settings, access: ChatAccess(settings: settings, ledger: ledger), botId: FakeBotAPI.botId, botUsername: "GatewayTestBot")
            poller = TelegramPoller(api: bot, inbox: inbox, ledger: ledger, botId: FakeBotAPI.botId, environment: environment, wait: 1, margin: margin)
        }
    }

    @Test func eachPollAsksFromPastWhatIsStoredAndAStrangerIsToldACodeOnce() async throws {
        let fixture = try Fixture()
        fixture.api.deliver([ChatInboxTests.message(7, from: ChatInboxTests.owner, text: "hello Mayor"),
                             ChatInboxTests.message(8, from: 42, text: "who are you")])
        let first = try await fixture.poller.pollOnce()
        #expect(first.map(\.state) == [.received, .stranger])
        #expect(try await fixture.ledger.chatOffset(bot: FakeBotAPI.botId) == 9)
        let codes = fixture.api.accepted.filter { $0.chatID == "42" }
        #expect(codes.count == 1)
        #expect(codes.first?.text.contains("gw chat pair ") == true)
        #expect(fixture.api.accepted.filter { $0.chatID == "\(ChatInboxTests.owner)" }.isEmpty, "nothing is said to the owner here: replies come from the Mayor")

        // Telegram offers 8 again with a new one (its acknowledgement was lost): 8 is not stored or answered twice.
        fixture.api.deliver([ChatInboxTests.message(8, from: 42, text: "who are you"), ChatInboxTests.message(9, from: ChatInboxTests.owner, text: "again")])
        let second = try await fixture.poller.pollOnce()
        #expect(second.map(\.update.updateId) == [9])
        #expect(fixture.api.offsetsPolled == [0, 9])
        #expect(fixture.api.accepted.filter { $0.chatID == "42" }.count == 1)
        #expect(try await fixture.ledger.chatUpdates(bot: FakeBotAPI.botId, state: .received).map(\.text) == ["hello Mayor", "again"])
    }

    @Test func aHeldPollIsAnsweredWhenAMessageArrives() async throws {
        let fixture = try Fixture()
        let poll = Task { try await fixture.poller.pollOnce() }
        // Telegram holds the poll while nothing is there; a message arriving answers it at once.
        try await pollUntil("the poll to be held", timeout: 30) { fixture.api.offsetsPolled.count == 1 ? true : nil }
        fixture.api.deliver([ChatInboxTests.message(1, from: ChatInboxTests.owner, text: "late")])
        #expect(try await poll.value.map(\.update.text) == ["late"])
    }

    /// A poll Telegram holds and never answers is given up at its wait plus the margin, reported as no
    /// answer, and the next poll asks from the same offset and gets what arrived.
    @Test func aPollThatNeverAnswersIsAbandonedAtItsTimeoutAndTheNextOneWorks() async throws {
        let fixture = try Fixture(margin: 2)
        fixture.api.failNextPoll(.hang)
        let started = Date()
        await #expect(throws: TelegramTransportError.self) { try await fixture.poller.pollOnce() }
        #expect(Date().timeIntervalSince(started) < 30, "abandoned at about 1 s + 2 s, not left hanging")
        fixture.api.deliver([ChatInboxTests.message(1, from: ChatInboxTests.owner, text: "still there?")])
        #expect(try await fixture.poller.pollOnce().map(\.update.text) == ["still there?"])
        #expect(fixture.api.offsetsPolled == [0, 0])
    }

    @Test func aMessageFoundationCannotReadNeitherStallsThePollerNorHidesTheOnesAfterIt() async throws {
        let fixture = try Fixture()
        var body = Data(#"{"ok":true,"result":[{"update_id":3,"message":{"message_id":3,"from":{"id":\#(ChatInboxTests.owner)},"chat":{"id":\#(ChatInboxTests.owner),"type":"private"},"text":"half \ud83d and "#.utf8)
        body += Data([0xc3, 0x28])
        body += Data(#""}},{"update_id":4,"message":{"message_id":4,"from":{"id":\#(ChatInboxTests.owner)},"chat":{"id":\#(ChatInboxTests.owner),"type":"private"},"text":"after it"}}]}"#.utf8)
        fixture.api.failNextPoll(.body(body))
        #expect(try await fixture.poller.pollOnce().map(\.update.updateId) == [3, 4])
        #expect(try await fixture.ledger.chatOffset(bot: FakeBotAPI.botId) == 5)
        #expect(try await fixture.ledger.chatUpdates(bot: FakeBotAPI.botId, state: .received).map(\.text) == ["half \u{FFFD} and \u{FFFD}(", "after it"])
    }

    @Test(arguments: [FakeBotAPI.PollFault.status(409, description: "Conflict: terminated by other getUpdates request"),
                      .status(429, description: "Too Many Requests: retry after 1"),
                      .status(500, description: "Internal Server Error"),
                      .status(401, description: "Unauthorized"),
                      .drop])
    func failuresAreReportedWithoutTheTokenAndLeaveTheOffset(fault: FakeBotAPI.PollFault) async throws {
        let fixture = try Fixture()
        fixture.api.failNextPoll(fault)
        do {
            _ = try await fixture.poller.pollOnce()
            Issue.record("a \(fault) poll succeeded")
        } catch {
            let text = "\(error) \(error.userMessage) \(String(reflecting: error))"
            #expect(!text.contains("poller-secret-token"), "the token never reaches an error: \(text)")
            if case .status(let status, _) = fault {
                #expect(error as? TelegramAPIError == .refused(code: status, description: Self.description(fault)))
            } else {
                #expect(error is TelegramTransportError)
            }
        }
        #expect(try await fixture.ledger.chatOffset(bot: FakeBotAPI.botId) == 0)
    }

    static func description(_ fault: FakeBotAPI.PollFault) -> String {
        if case .status(_, let description) = fault { return description }
        return ""
    }
}
