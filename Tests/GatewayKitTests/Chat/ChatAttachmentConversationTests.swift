import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat
import GatewayHooks
import GatewayTestSupport

/// Attachments from the phone, through the daemon, with the Mayor played by gw-agent-sim: a photo or a
/// document within the limit is committed into the Mayor's hook under inbox/ and its turn names the
/// file; a larger one is never downloaded, its sender is told the limit, and the words still reach the
/// Mayor; a stranger's file is never even looked up.
@Suite(.serialized) struct ChatAttachmentConversationTests {
    static let owner = ChatInboxTests.owner
    let state = TemporaryDirectory("gw-chat-state")

    func start(_ api: FakeBotAPI, limit: String) async throws -> (TestTown, ChildProcess) {
        let chat = ChatDaemonTests.chat(api) + "max_attachment = \"\(limit)\"\n"
        let town = try await TestTown(.sim(), config: TestTown.quickMayor, TestTown.quickDaemon, chat)
        let daemon = try town.spawnDaemon(["--verbose"], variables: ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path])
        try await town.wait("the first poll") { api.offsetsPolled.isEmpty ? nil : true }
        return (town, daemon)
    }

    /// A message carrying `attachment` (`["photo": …]`, `["document": …]`), with `caption` as its only words.
    static func message(_ id: Int64, from user: Int64, caption: String?, _ attachment: [String: Any]) -> [String: Any] {
        var update = ChatInboxTests.message(id, from: user, text: "", extra: attachment)
        var message = update["message"] as? [String: Any] ?? [:]
        message["text"] = nil
        message["caption"] = caption
        update["message"] = message
        return update
    }

    func handled(_ town: TestTown, _ count: Int) async throws {
        try await town.wait("\(count) messages handed to the Mayor") {
            try await town.ledger().recentChatUpdates(limit: 20).filter { $0.state == .handled }.count == count ? true : nil
        }
    }

    @Test func aPhotoAndADocumentLandInTheHookAndTheTurnNamesThem() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, limit: "20MB")
        defer { daemon.signal(SIGTERM); town.close() }
        let photo = ChatAttachmentSaverTests.bytes(3000)
        let document = Data("root:x:0:0\n".utf8) + ChatAttachmentSaverTests.bytes(700)
        api.registerFile(id: "photo-large", bytes: photo)
        api.registerFile(id: "doc", bytes: document)
        api.deliver([
            Self.message(50, from: Self.owner, caption: "look at this",
                         ["photo": [["file_id": "photo-small", "file_size": 90, "width": 90, "height": 90],
                                    ["file_id": "photo-large", "file_size": photo.count, "width": 1280, "height": 960]]]),
            Self.message(51, from: Self.owner, caption: nil,
                         ["document": ["file_id": "doc", "file_size": document.count, "file_name": "../../etc/passwd"]]),
        ])
        try await handled(town, 2)
        let hook = Hook.worktree(for: Hook.mayor, in: town.town)
        let text = try await town.turns().map(\.text).joined(separator: "\n\n")
        let photoPath = hook.appendingPathComponent("inbox/telegram-50-photo.jpg").path
        let documentPath = hook.appendingPathComponent("inbox/telegram-51-etc_passwd").path
        #expect(text.contains("[Attachment: photo, 3 KB, saved as \(photoPath)]\nlook at this"), "the path, the size, then the caption: \(text)")
        #expect(text.contains("[Attachment: document \"etc_passwd\", \(document.count) bytes, saved as \(documentPath)]"), "\(text)")
        #expect(!text.contains("(a message with no text)"))
        #expect(api.fileLookups == ["photo-large", "doc"], "the largest photo size, once each")
        for (path, bytes) in [("inbox/telegram-50-photo.jpg", photo), ("inbox/telegram-51-etc_passwd", document)] {
            let log = try await shell("git log --format=%s hooks/mayor -- \(path)", in: town.town.root)
            #expect(log.split(separator: "\n").count == 1 && log.contains(path), "committed once, the message naming it: \(log)")
            #expect(try Data(contentsOf: hook.appendingPathComponent(path)) == bytes)
            let blob = try await shell("git rev-parse hooks/mayor:\(path)", in: town.town.root)
            #expect(try await shell("git hash-object \(hook.appendingPathComponent(path).path)", in: town.town.root) == blob, "the commit holds these bytes")
        }
        #expect(!FileManager.default.fileExists(atPath: town.town.root.appendingPathComponent("etc/passwd").path))
        #expect(!town.daemonLog.contains(fakeToken))
    }

    @Test func aFileOverTheLimitIsRefusedWithAReplyAndAStrangersIsNeverLookedUp() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, limit: "1KB")
        defer { daemon.signal(SIGTERM); town.close() }
        api.registerFile(id: "big", bytes: ChatAttachmentSaverTests.bytes(5000))
        api.registerFile(id: "theirs", bytes: ChatAttachmentSaverTests.bytes(10))
        api.deliver([
            Self.message(60, from: Self.owner, caption: "the big one", ["document": ["file_id": "big", "file_size": 5000, "file_name": "big.pdf"]]),
            Self.message(61, from: 42, caption: "take my file", ["document": ["file_id": "theirs", "file_size": 10, "file_name": "x.sh"]]),
        ])
        let refusal = try await town.wait("the limit's reply") {
            api.accepted.first { $0.chatID == String(Self.owner) && $0.text.contains("over the 1 KB limit") }
        }
        #expect(refusal.replyTo == 60, "a reply to the message whose file it was")
        #expect(refusal.text.contains("big.pdf") && refusal.text.contains("5 KB"))
        try await handled(town, 1)
        let text = try #require(try await town.turns().first).text
        #expect(text.contains("[Attachment not saved: document \"big.pdf\" — it is 5 KB, over the 1 KB limit"), "\(text)")
        #expect(text.hasSuffix("\nthe big one"), "the caption still reaches the Mayor: \(text)")
        #expect(api.fileLookups.isEmpty && api.downloads.isEmpty, "neither the large file nor the stranger's is asked for")
        #expect(try await shell("git log --format=%s hooks/mayor -- inbox", in: town.town.root).isEmpty)
        let stored = try await town.ledger().recentChatUpdates(limit: 5).first { $0.updateId == 61 }
        #expect(stored?.state == .stranger && stored?.attachment == nil, "nothing of a stranger's file is kept")
        // The refusal is queued once with the message: a second pass finds the update handled.
        // (The Mayor's own answer, an echo of its turn, quotes the limit too: it is not a refusal.)
        #expect(api.accepted.filter { $0.text.contains("over the 1 KB limit") && !$0.text.hasPrefix("ECHO:") }.count == 1)
    }

    @Test func aSlowDownloadHoldsUpOnlyTheMessagesOfItsOwnChat() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, limit: "20MB")
        defer { daemon.signal(SIGTERM); town.close() }
        let ledger = try town.ledger()
        let friend: Int64 = 777
        try await ledger.addChatSender(friend, how: .allowed, name: nil, at: Date())
        let document = ChatAttachmentSaverTests.bytes(4000)
        api.registerFile(id: "slow", bytes: document)
        api.holdDownloads()
        api.deliver([Self.message(70, from: Self.owner, caption: "the slow one", ["document": ["file_id": "slow", "file_size": document.count, "file_name": "slow.bin"]])])
        #expect(await api.waitForHeldDownload(), "the download started, and the file server holds it")
        // While the file server holds it: the owner writes again, and someone else from their own chat.
        api.deliver([ChatInboxTests.message(71, from: Self.owner, text: "after the file"),
                     ChatInboxTests.message(72, from: friend, text: "hello from another chat")])
        let answer = try await town.wait("the other chat's answer while the download is held", timeout: 90) {
            api.accepted.first { $0.chatID == String(friend) }
        }
        #expect(answer.replyTo == 72)
        #expect(try await ledger.chatUpdates(bot: FakeBotAPI.botId, state: .received).map(\.updateId) == [70, 71],
                "the owner's messages wait behind their download, in order (71 was stored with 72, and 72 is answered)")
        #expect(api.downloads.count == 1, "still the one download, held")

        api.releaseDownloads()
        try await town.wait("the owner's messages handed to the Mayor") {
            try await ledger.chatUpdates(bot: FakeBotAPI.botId, state: .received).isEmpty ? true : nil
        }
        let updates = try await ledger.recentChatUpdates(limit: 10)
        let turnOf = { (id: Int64) in updates.first { $0.updateId == id }?.turnId }
        let (fileTurn, laterTurn) = (try #require(turnOf(70)), try #require(turnOf(71)))
        #expect(fileTurn <= laterTurn && turnOf(72) != fileTurn, "one chat's order kept; the other chat's turn is its own")
        let text = try await town.turns().filter { $0.id == fileTurn || $0.id == laterTurn }.map(\.text).joined(separator: "\n\n")
        let saved = Hook.worktree(for: Hook.mayor, in: town.town).appendingPathComponent("inbox/telegram-70-slow.bin")
        let file = try #require(text.range(of: "saved as \(saved.path)]\nthe slow one"), "\(text)")
        let later = try #require(text.range(of: "after the file"))
        #expect(file.upperBound <= later.lowerBound, "the file's message comes first: \(text)")
        #expect(try Data(contentsOf: saved) == document)
    }

    @Test func aDaemonKilledMidDownloadDownloadsAgainAndLosesNothing() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        var (town, daemon) = try await start(api, limit: "20MB")
        defer { town.close() }
        let document = ChatAttachmentSaverTests.bytes(3000)
        api.registerFile(id: "cut", bytes: document)
        api.holdDownloads()
        api.deliver([Self.message(80, from: Self.owner, caption: "cut short", ["document": ["file_id": "cut", "file_size": document.count, "file_name": "cut.bin"]])])
        #expect(await api.waitForHeldDownload(), "the download started, and the file server holds it")
        daemon.signal(SIGKILL)
        _ = try await daemon.wait()
        let ledger = try town.ledger()
        #expect(try await ledger.chatUpdates(bot: FakeBotAPI.botId, state: .received).map(\.updateId) == [80], "kept, waiting for its file")
        #expect(try await ledger.chatOffset(bot: FakeBotAPI.botId) == 81, "stored before the offset moved past it")
        api.releaseDownloads()
        daemon = try town.spawnDaemon(["--verbose"], variables: ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path])
        defer { daemon.signal(SIGTERM) }
        try await handled(town, 1)
        let path = "inbox/telegram-80-cut.bin"
        #expect(try Data(contentsOf: Hook.worktree(for: Hook.mayor, in: town.town).appendingPathComponent(path)) == document)
        let log = try await shell("git log --format=%s hooks/mayor -- \(path)", in: town.town.root)
        #expect(log.split(separator: "\n").count == 1, "committed once: \(log)")
        let turns = try await town.turns().filter { $0.text.contains("cut short") }
        #expect(turns.count == 1 && turns.first?.text.contains("saved as") == true, "one turn, naming the file")
        #expect(api.downloads.count >= 2, "the restarted daemon downloaded it again")
    }

    @Test func someoneRevokedWhileTheirMessageWaitsNeverReachesTheMayor() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, limit: "20MB")
        defer { daemon.signal(SIGTERM); town.close() }
        let ledger = try town.ledger()
        let friend: Int64 = 778
        try await ledger.addChatSender(friend, how: .allowed, name: nil, at: Date())
        api.registerFile(id: "theirs", bytes: ChatAttachmentSaverTests.bytes(100))
        api.holdDownloads()
        api.deliver([Self.message(90, from: friend, caption: "my secret words", ["document": ["file_id": "theirs", "file_size": 100, "file_name": "a.txt"]]),
                     ChatInboxTests.message(91, from: friend, text: "and more words")])
        #expect(await api.waitForHeldDownload())
        let revoke = try await town.gw(["chat", "revoke", String(friend)], variables: ["GW_TEST_BOT_TOKEN": fakeToken])
        #expect(revoke.succeeded, "\(revoke.stderr)")
        try await town.wait("both messages refused", timeout: 90) {
            try await ledger.chatUpdates(bot: FakeBotAPI.botId, state: .stranger).map(\.updateId) == [90, 91] ? true : nil
        }
        api.releaseDownloads()
        try await town.wait("the download's end") { town.daemonLog.contains("of message 90 was dropped unsaved") ? true : nil }
        let inbox = Hook.worktree(for: Hook.mayor, in: town.town).appendingPathComponent("inbox")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? [] == [], "their file never enters the hook")
        #expect(try await ledger.recentChatUpdates(limit: 5).allSatisfy { $0.text == nil && $0.attachment == nil }, "their words are not kept")
        #expect(try await town.turns().isEmpty, "nothing of theirs reached the Mayor")
        #expect(!town.daemonLog.contains("secret words"))
    }
}
