import Foundation
import Testing
import GatewayTestSupport
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat

/// What the poller receives: Telegram's updates read (hostile ones too), sorted by who sent them and
/// where, and stored before the offset moves past them — once each, a stranger's words never kept.
@Suite struct ChatInboxTests {
    static let bot: Int64 = 999
    static let owner: Int64 = 111
    static let group: Int64 = -100_555
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func answer(_ results: [[String: Any]]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["ok": true, "result": results])
    }

    static func message(_ id: Int64, from user: Int64, chat: Int64? = nil, type: String = "private", text: String,
                        extra: [String: Any] = [:]) -> [String: Any] {
        var message: [String: Any] = ["message_id": id, "from": ["id": user, "is_bot": false, "first_name": "Eve"],
                                      "chat": ["id": chat ?? user, "type": type], "date": 1_790_000_000, "text": text]
        message.merge(extra) { _, new in new }
        return ["update_id": id, "message": message]
    }

    struct Fixture {
        let directory = TemporaryDirectory("gw-chat-inbox")
        let ledger: Ledger
        let inbox: ChatInbox

        init(policy: ChatPolicy = .pairing) throws {
            ledger = try Ledger(file: directory.path("ledger.sqlite"))
            let settings = TelegramChatSettings(token: SecretReference(key: "chat.telegram.token_env", source: .environment("T")),
                                                policy: policy, allow: [ChatInboxTests.owner], groups: [ChatInboxTests.group])
            inbox = ChatInbox(settings: settings, access: ChatAccess(settings: settings, ledger: ledger), botId: ChatInboxTests.bot, botUsername: "GatewayBot")
        }

        func sort(_ object: [String: Any]) async throws -> ChatInbox.Sorted {
            let update = try #require(try TelegramUpdate.parse(try ChatInboxTests.answer([object]), botId: ChatInboxTests.bot).first)
            return try await inbox.sort(update, at: ChatInboxTests.now)
        }
    }

    @Test func readsMessagesButtonPressesMentionsRepliesAndAttachments() throws {
        let body = try Self.answer([
            Self.message(1, from: Self.owner, text: "hi @GatewayBot", extra: ["entities": [["type": "mention", "offset": 3, "length": 11]]]),
            ["update_id": 2, "callback_query": ["id": "cb7", "from": ["id": Self.owner], "data": "allow:12",
                                                "message": ["message_id": 40, "chat": ["id": Self.owner, "type": "private"]]]],
            Self.message(3, from: Self.owner, text: "", extra: ["reply_to_message": ["message_id": 40, "from": ["id": Self.bot]],
                                                               "photo": [["file_id": "small", "file_size": 10], ["file_id": "large", "file_size": 900]]]),
            ["update_id": 4, "edited_message": ["message_id": 1]],
        ])
        let updates = try TelegramUpdate.parse(body, botId: Self.bot)
        #expect(updates.map(\.updateId) == [1, 2, 3, 4])
        #expect(updates[0].kind == .message && updates[0].mentions == ["gatewaybot"] && updates[0].text == "hi @GatewayBot")
        #expect(updates[1].kind == .callback && updates[1].callbackId == "cb7" && updates[1].text == "allow:12" && updates[1].messageId == 40)
        #expect(updates[2].repliesToBot)
        #expect(updates[2].attachment == TelegramUpdate.Attachment(fileId: "large", kind: "photo", size: 900, fileName: nil))
        #expect(updates[3].kind == .other)
    }

    @Test func hostileAnswersAreRefusedOrSkippedNeverCrash() throws {
        #expect(throws: TelegramAPIError.self) { try TelegramUpdate.parse(Data("<html>502</html>".utf8), botId: nil) }
        #expect(throws: TelegramAPIError.refused(code: 409, description: "Conflict: terminated by other getUpdates request")) {
            try TelegramUpdate.parse(Data(#"{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}"#.utf8), botId: nil)
        }
        #expect(throws: TelegramAPIError.self) { try TelegramUpdate.parse(Data(#"{"ok":true,"result":"x"}"#.utf8), botId: nil) }
        let odd = try Self.answer([
            ["no_update_id": 1],
            ["update_id": "12"],
            ["update_id": 1e300],
            ["update_id": 5, "message": ["from": ["id": "not a number"], "chat": [:], "text": 7,
                                          "entities": [["type": "mention", "offset": -4, "length": 99999]]]],
            Self.message(6, from: Self.owner, text: "NUL \u{0} and \u{1b}[31m and {{.}} and #{session_name};rm -rf /"),
        ])
        let updates = try TelegramUpdate.parse(odd, botId: Self.bot)
        #expect(updates.map(\.updateId) == [5, 6], "entries without a usable update_id are skipped")
        #expect(updates[0].userId == nil && updates[0].text == nil && updates[0].mentions.isEmpty)
        #expect(updates[1].text == "NUL \u{0} and \u{1b}[31m and {{.}} and #{session_name};rm -rf /", "kept as data; the turn's text cleaning comes later")
    }

    @Test func anAllowedPrivateMessageIsReceivedAndAStrangerGetsACodeOnce() async throws {
        let fixture = try Fixture()
        #expect(try await fixture.sort(Self.message(1, from: Self.owner, text: "hello")).inbound.state == .received)
        let first = try await fixture.sort(Self.message(2, from: 42, text: "let me in"))
        #expect(first.inbound.state == .stranger)
        let reply = try #require(first.pairingReply)
        #expect(reply.chatId == 42)
        let again = try await fixture.sort(Self.message(3, from: 42, text: "please"))
        #expect(again.inbound.state == .stranger)
        #expect(again.pairingReply == nil, "told at most every ten minutes")
        #expect(try await fixture.sort(["update_id": 4, "callback_query": ["id": "x", "from": ["id": 42], "data": "allow:1",
                                                                         "message": ["message_id": 9, "chat": ["id": 42, "type": "private"]]]]).inbound.state == .stranger,
                "a stranger's button press is not acted on")
    }

    @Test func groupsCountOnlyWhenListedAndAddressed() async throws {
        let fixture = try Fixture()
        let mention = ["entities": [["type": "mention", "offset": 0, "length": 11]]]
        #expect(try await fixture.sort(Self.message(1, from: Self.owner, chat: -7, type: "group", text: "@GatewayBot hi", extra: mention)).inbound
                == InboundUpdate(update: try #require(try TelegramUpdate.parse(try Self.answer([Self.message(1, from: Self.owner, chat: -7, type: "group", text: "@GatewayBot hi", extra: mention)]), botId: Self.bot).first),
                                 state: .ignored, note: "a group not listed in [chat.telegram] groups"))
        #expect(try await fixture.sort(Self.message(2, from: Self.owner, chat: Self.group, type: "supergroup", text: "just chatting")).inbound.state == .ignored)
        #expect(try await fixture.sort(Self.message(3, from: Self.owner, chat: Self.group, type: "supergroup", text: "@GatewayBot hi", extra: mention)).inbound.state == .received)
        let reply = ["reply_to_message": ["message_id": 1, "from": ["id": Self.bot]]]
        #expect(try await fixture.sort(Self.message(4, from: Self.owner, chat: Self.group, type: "group", text: "yes", extra: reply)).inbound.state == .received)
        let stranger = try await fixture.sort(Self.message(5, from: 42, chat: Self.group, type: "group", text: "@GatewayBot hi", extra: mention))
        #expect(stranger.inbound.state == .stranger)
        #expect(stranger.pairingReply == nil, "no code is ever said in a group")
        #expect(try await fixture.sort(Self.message(6, from: Self.owner, chat: -100, type: "channel", text: "post")).inbound.state == .ignored)
        // A command in a group names the bot it is for; a bare one, or one for another bot, is not this bot's.
        func command(_ id: Int64, _ text: String) -> [String: Any] {
            Self.message(id, from: Self.owner, chat: Self.group, type: "supergroup", text: text,
                         extra: ["entities": [["type": "bot_command", "offset": 0, "length": text.utf16.count]]])
        }
        #expect(try await fixture.sort(command(7, "/status@GatewayBot")).inbound.state == .received)
        #expect(try await fixture.sort(command(8, "/status@OtherBot")).inbound.state == .ignored)
        #expect(try await fixture.sort(command(9, "/status")).inbound.state == .ignored)
        #expect(ChatCommand(message: "/status@GatewayBot") == .status)
    }

    @Test func updatesAreStoredOnceWithTheOffsetAndAStrangersWordsAreNeverKept() async throws {
        let fixture = try Fixture()
        var sorted: [InboundUpdate] = []
        for object in [Self.message(10, from: Self.owner, text: "first"), Self.message(11, from: 42, text: "secret stranger words"),
                       Self.message(12, from: Self.owner, text: "second")] {
            sorted.append(try await fixture.sort(object).inbound)
        }
        #expect(try await fixture.ledger.chatOffset(bot: Self.bot) == 0)
        let fresh = try await fixture.ledger.recordChatUpdates(sorted, bot: Self.bot, at: Self.now)
        #expect(fresh.count == 3)
        #expect(try await fixture.ledger.chatOffset(bot: Self.bot) == 13)
        // The same batch again (a poll answered twice, the daemon killed before its next poll): nothing new.
        #expect(try await fixture.ledger.recordChatUpdates(sorted, bot: Self.bot, at: Self.now).isEmpty)
        #expect(try await fixture.ledger.recordChatUpdates(Array(sorted.prefix(1)), bot: Self.bot, at: Self.now).isEmpty)
        #expect(try await fixture.ledger.chatOffset(bot: Self.bot) == 13, "the offset never moves back")
        let received = try await fixture.ledger.chatUpdates(bot: Self.bot, state: .received)
        #expect(received.map(\.text) == ["first", "second"])
        let strangers = try await fixture.ledger.chatUpdates(bot: Self.bot, state: .stranger)
        #expect(strangers.count == 1)
        #expect(strangers.first?.userId == 42)
        #expect(strangers.first?.text == nil)
        let file = try Data(contentsOf: fixture.directory.path("ledger.sqlite")) + ((try? Data(contentsOf: fixture.directory.path("ledger.sqlite-wal"))) ?? Data())
        #expect(file.range(of: Data("secret stranger words".utf8)) == nil, "not in the ledger's bytes at all")
    }
}

/// The hostile cases a chat message and a pairing code can carry, fed through the reading, the sorting
/// and the storing: kept as data, never a crash, a stranger's words never stored.
@Suite struct ChatHostileInputTests {
    @Test(arguments: ["", String(repeating: "x", count: 1 << 20), "\u{1b}[200~pasted\u{1b}[201~", "a\u{0}b", "#{pane_id};kill-server",
                      "/exit", "!rm -rf ~", "@/etc/passwd", "\u{202e}evil"])
    func anyTextIsStoredExactlyForTheOwnerAndNotAtAllForAStranger(text: String) async throws {
        let fixture = try ChatInboxTests.Fixture()
        var sorted: [InboundUpdate] = []
        for (id, user) in [(Int64(1), ChatInboxTests.owner), (2, 42)] {
            sorted.append(try await fixture.sort(ChatInboxTests.message(id, from: user, text: text)).inbound)
        }
        try await fixture.ledger.recordChatUpdates(sorted, bot: ChatInboxTests.bot, at: ChatInboxTests.now)
        // A NUL is dropped (SQLite's text would end there and cut the rest off); everything else is kept exactly.
        #expect(try await fixture.ledger.chatUpdates(bot: ChatInboxTests.bot, state: .received).map(\.text) == [text.replacingOccurrences(of: "\u{0}", with: "")])
        #expect(try await fixture.ledger.chatUpdates(bot: ChatInboxTests.bot, state: .stranger).map(\.text) == [nil])
    }

    /// One unreadable message must not make its whole batch unreadable: the poll would ask for it again
    /// for ever, and nothing after it would arrive. Bytes that are not UTF-8 and half of a UTF-16 pair
    /// (Telegram cuts texts by UTF-16 units) read as U+FFFD; a truncated answer is still refused.
    @Test func invalidUTF8AndHalfPairsAreReadRepairedAndTruncatedAnswersRefused() throws {
        var bytes = Data(#"{"ok":true,"result":[{"update_id":1,"message":{"text":"a"#.utf8)
        bytes += Data([0xff, 0xfe, 0xc3])
        bytes += Data(#"b"}},{"update_id":2,"message":{"text":"next"}}]}"#.utf8)
        #expect(try TelegramUpdate.parse(bytes, botId: nil).map(\.text) == ["a\u{FFFD}\u{FFFD}\u{FFFD}b", "next"])
        let halves = #"{"ok":true,"result":[{"update_id":1,"message":{"text":"cut \ud83d"}},{"update_id":2,"message":{"text":"\ude00 low, \ud83d\ude00 whole, \\ud83d literal, \u00e9"}}]}"#
        #expect(try TelegramUpdate.parse(Data(halves.utf8), botId: nil).map(\.text) == ["cut \u{FFFD}", "\u{FFFD} low, 😀 whole, \\ud83d literal, é"])
        #expect(throws: TelegramAPIError.self) { try TelegramUpdate.parse(Data(#"{"ok":true,"result":[{"update_id":1,"#.utf8), botId: nil) }
        #expect(throws: TelegramAPIError.self) { try TelegramUpdate.parse(Data(), botId: nil) }
    }

    @Test func aHostileCodeTypedByTheOwnerPairsNobody() async throws {
        let fixture = try ChatInboxTests.Fixture()
        _ = try await fixture.sort(ChatInboxTests.message(1, from: 42, text: "hi"))
        let access = ChatAccess(settings: TelegramChatSettings(token: SecretReference(key: "k", source: .environment("T"))), ledger: fixture.ledger)
        for typed in [String(repeating: "A", count: 1 << 16), "\u{0}", "\u{1b}[201~", "%", "' OR 1=1 --", " "] {
            await #expect(throws: GatewayError.self) { try await access.pair(typed, at: ChatInboxTests.now) }
        }
        #expect(try await fixture.ledger.chatSenders().isEmpty)
        #expect(try await fixture.ledger.pendingPairingCodes(at: ChatInboxTests.now).count == 1, "the real code is still pending")
    }
}
