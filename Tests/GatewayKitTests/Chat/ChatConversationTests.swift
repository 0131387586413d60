import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayChat
import GatewayTestSupport

/// A conversation from the phone, through the daemon, with the Mayor played by gw-agent-sim: each
/// message becomes a turn that says where it came from, the answer comes back to the chat as a reply,
/// messages sent while the Mayor works go together as its next turn, and commands are answered by
/// Gateway without reaching the Mayor.
@Suite(.serialized) struct ChatConversationTests {
    static let owner = ChatInboxTests.owner

    /// The slow answer is held until the test creates `gate`.
    static func rules(gate: URL) -> String {
        """
        [[rule]]
        match = "think slowly"
        reply = "Thought slowly."
        hold_until = "\(gate.path)"

        [[rule]]
        match = "format please"
        reply = "**Done**: `gw status` is <fine> & [docs](https://example.com/a?b=1)"
        """
    }

    let gate = FileManager.default.temporaryDirectory.appendingPathComponent("gw-chat-gate-\(UUID().uuidString)")
    let state = TemporaryDirectory("gw-chat-state")

    func start(_ api: FakeBotAPI, heartbeat: String? = nil) async throws -> (TestTown, ChildProcess) {
        let town = try await TestTown(.sim(rules: Self.rules(gate: gate)), config: TestTown.quickMayor, TestTown.quickDaemon, ChatDaemonTests.chat(api),
                                      heartbeat: heartbeat)
        let daemon = try town.spawnDaemon(["--verbose"], variables: ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path])
        try await town.wait("the first poll") { api.offsetsPolled.isEmpty ? nil : true }
        return (town, daemon)
    }

    func replies(_ api: FakeBotAPI) -> [FakeBotAPI.Received] { api.accepted.filter { $0.chatID == String(Self.owner) } }

    @Test func aMessageBecomesAMarkedTurnAndItsAnswerComesBackAsAReply() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(5, from: Self.owner, text: "/compact please, it's me")])
        try await town.wait("the answer in the chat") { self.replies(api).first }
        let answer = try #require(replies(api).first)
        #expect(answer.replyTo == 5, "a reply to the message it answers")
        #expect(answer.parseMode == "HTML")
        #expect(answer.text.contains("/compact please, it&#39;s me") || answer.text.contains("/compact please, it's me"))
        let turn = try #require(try await town.turns().first)
        #expect(turn.source == Turn.chatSource)
        #expect(turn.text.hasPrefix(ChatTurnText.header + " from id \(Self.owner), "), "the header line comes first: \(turn.text)")
        #expect(turn.text.hasSuffix("]\n/compact please, it's me"), "the text reaches the Mayor as written, never as a command")
        #expect(try await town.turns().count == 1)
        let update = try #require(try await town.ledger().recentChatUpdates(limit: 5).first)
        #expect(update.state == .handled && update.turnId == turn.id)

        let log = try await town.gwOK(["chat", "log", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["direction"] as? String } == ["in", "out"])
        #expect(entries[0]["turnId"] as? Int == Int(turn.id) && entries[0]["state"] as? String == "handled")
        #expect(entries[1]["state"] as? String == "delivered" && entries[1]["messageId"] as? Int == 5)

        // Like any turn, it lands in the Mayor's session log, committed to its hook.
        try await town.wait("the turn done, its session extracted") { try await town.turns().first?.state == .done ? true : nil }
        let sessions = try await shell("git log -p --format=%s hooks/mayor -- memory/sessions", in: town.town.root)
        #expect(sessions.contains("/compact please, it's me"), "\(sessions.suffix(600))")
    }

    @Test func theAnswersMarkdownArrivesAsTelegramHTML() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(7, from: Self.owner, text: "format please")])
        let answer = try await town.wait("the answer in the chat") { self.replies(api).first }
        #expect(answer.text == "<b>Done</b>: <code>gw status</code> is &lt;fine&gt; &amp; <a href=\"https://example.com/a?b=1\">docs</a>")
        #expect(answer.parseMode == "HTML" && answer.replyTo == 7)
    }

    @Test func messagesSentWhileTheMayorWorksGoTogetherInOrderAsItsNextTurn() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(10, from: Self.owner, text: "think slowly")])
        try await town.wait("the first turn taken") { try await town.turns().first?.state == .submitted ? true : nil }
        try await town.wait("typing… in the chat") { api.chatActions.contains { $0.chat == String(Self.owner) && $0.action == "typing" } ? true : nil }
        let burst = (11...16).map { ChatInboxTests.message(Int64($0), from: Self.owner, text: "part \($0)") }
        api.deliver(burst)
        try await town.wait("all six in the ledger") {
            try await town.ledger().recentChatUpdates(limit: 20).filter { $0.state == .handled }.count == 7 ? true : nil
        }
        #expect(FileManager.default.createFile(atPath: gate.path, contents: nil))
        try await town.wait("both answers") { self.replies(api).count == 2 ? true : nil }
        let turns = try await town.turns()
        #expect(turns.count == 2, "six messages, one turn")
        let second = try #require(turns.last)
        let positions = (11...16).compactMap { second.text.range(of: "]\npart \($0)")?.lowerBound }
        #expect(positions.count == 6 && positions == positions.sorted(), "each message marked, in order: \(second.text)")
        #expect(second.text.components(separatedBy: ChatTurnText.header).count == 7)
        let answers = replies(api)
        #expect(answers[0].replyTo == 10 && answers[0].text == "Thought slowly.")
        #expect(answers[1].replyTo == 16, "the batch's answer replies to the last of its messages")
    }

    /// What a phone can send that a terminal must never act on: each reaches the Mayor's prompt as the
    /// text it is (controls removed), after its header, once — never as a command, a key or a paste end.
    @Test func hostileMessagesReachTheMayorAsLiteralText() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        let hostile = ["/clear", "!rm -rf ~", "@/etc/passwd", "end\u{1b}[201~ then Enter\u{0d}", "#{pane_id};kill-server",
                       "a\u{0}b", "\u{202e}reversed", String(repeating: "長", count: 4096), "$(touch /tmp/gw-chat-ran) `id`"]
        for (index, text) in hostile.enumerated() {
            let id = Int64(100 + index)
            api.deliver([ChatInboxTests.message(id, from: Self.owner, text: text)])
            _ = try await town.wait("the answer to message \(id)") { api.accepted.first { $0.replyTo == id } }
        }
        let submitted = try await town.events().filter { $0.event == "UserPromptSubmit" }
            .compactMap { HookEvent(name: "UserPromptSubmit", json: $0.payload).prompt }
        #expect(submitted.count == hostile.count, "one turn each, nothing lost or split")
        for (text, prompt) in zip(hostile, submitted) {
            let expected = TurnText.clean(text)
            #expect(prompt.hasPrefix(ChatTurnText.header), "the header comes first")
            #expect(prompt.hasSuffix("]\n" + expected.trimmingCharacters(in: .whitespacesAndNewlines)), "\(prompt.prefix(200))")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/gw-chat-ran"))
        #expect(try await town.turns().allSatisfy { $0.state == .done })
    }

    /// A beat asked for during a chat turn waits for it, then runs once; the chat's answer is not held
    /// back by it.
    @Test func aBeatDuringAChatTurnRunsAfterItOnce() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, heartbeat: "## check the inbox\n- say what is new\n")
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(10, from: Self.owner, text: "think slowly")])
        try await town.wait("the chat turn taken") { try await town.turns().first?.state == .submitted ? true : nil }
        _ = try await town.gwOK(["heartbeat", "now"])
        try await town.wait("the beat queued behind it") { try await town.turns().count == 2 ? true : nil }
        #expect(try await town.turns()[1].state == .queued, "it waits for the chat turn")
        #expect(FileManager.default.createFile(atPath: gate.path, contents: nil))
        _ = try await town.wait("the chat's answer") { api.accepted.first { $0.replyTo == 10 } }
        try await town.wait("the beat's turn done") { try await town.turns().last?.state == .done ? true : nil }
        let turns = try await town.turns()
        #expect(turns.map(\.source) == [Turn.chatSource, turns[1].source] && turns[1].source != Turn.chatSource)
        #expect(turns.count == 2, "the beat ran once")
        let chatEnded = try #require(turns[0].endedAt)
        let beatSent = try #require(turns[1].sentAt)
        #expect(beatSent >= chatEnded.addingTimeInterval(-0.001), "the beat went only after the chat turn ended")
    }

    @Test func commandsAreAnsweredByGatewayAndNeverReachTheMayor() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(20, from: Self.owner, text: "/help"),
                     ChatInboxTests.message(21, from: Self.owner, text: "/status"),
                     ChatInboxTests.message(22, from: Self.owner, text: "/cancel")])
        try await town.wait("three answers") { self.replies(api).count == 3 ? true : nil }
        let answers = replies(api)
        #expect(answers.map(\.replyTo) == [20, 21, 22])
        #expect(answers[0].text.contains("/beat"))
        #expect(answers[1].text.contains("Mayor:") && answers[1].text.contains("Last heartbeat"))
        #expect(answers[2].text.contains("Nothing to cancel"))
        #expect(try await town.turns().isEmpty, "no command became a turn")
    }

    @Test func cancelDropsTheMessagesThatWaitAndSaysSo() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(30, from: Self.owner, text: "think slowly")])
        try await town.wait("the first turn taken") { try await town.turns().first?.state == .submitted ? true : nil }
        api.deliver([ChatInboxTests.message(31, from: Self.owner, text: "never mind this"),
                     ChatInboxTests.message(32, from: Self.owner, text: "/cancel")])
        try await town.wait("the cancel's answer") { self.replies(api).first { $0.replyTo == 32 } }
        #expect(replies(api).first { $0.replyTo == 32 }?.text.contains("Dropped 1 waiting message") == true)
        #expect(FileManager.default.createFile(atPath: gate.path, contents: nil))
        try await town.wait("the slow answer") { self.replies(api).first { $0.replyTo == 30 } }
        let turns = try await town.turns()
        #expect(turns.count == 2 && turns[1].state == .failed, "the dropped turn was never sent")
        #expect(turns[1].sentAt == nil)
        #expect(replies(api).count == 2, "the dropped turn gets no answer of its own")
    }

    @Test func cancelWithNothingWaitingStopsTheRunningTurnAndTheNextMessageGoesOn() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(40, from: Self.owner, text: "think slowly")])
        try await town.wait("the turn taken") { try await town.turns().first?.state == .submitted ? true : nil }
        api.deliver([ChatInboxTests.message(41, from: Self.owner, text: "/cancel")])
        let said = try await town.wait("the cancel's answer") { self.replies(api).first { $0.replyTo == 41 } }
        #expect(said.text.contains("Stopped the Mayor's turn"), "\(said.text)")
        let stopped = try #require(try await town.turns().first)
        #expect(stopped.state == .failed && stopped.error?.contains("/cancel") == true)
        // The Mayor takes the next message once it is idle again, and only that one is answered.
        #expect(FileManager.default.createFile(atPath: gate.path, contents: nil))
        api.deliver([ChatInboxTests.message(42, from: Self.owner, text: "are you there")])
        let answer = try await town.wait("the next message's answer") { self.replies(api).first { $0.replyTo == 42 } }
        #expect(answer.text.contains("are you there"), "\(answer.text)")
        #expect(!replies(api).contains { $0.replyTo == 40 }, "the stopped turn gets no answer of its own")
        #expect(replies(api).count == 2)
    }

    @Test func beatFromTheChatRunsTheHeartbeatOnceAndSaysSo() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, heartbeat: "## check the inbox\n- say what is new\n")
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(50, from: Self.owner, text: "/beat")])
        let said = try await town.wait("the /beat answer") { self.replies(api).first { $0.replyTo == 50 } }
        #expect(said.text.contains("is on its way to the Mayor"), "\(said.text)")
        try await town.wait("the beat's turn done") { try await town.turns().last?.state == .done ? true : nil }
        let turns = try await town.turns()
        #expect(turns.count == 1 && turns[0].source != Turn.chatSource && !turns[0].text.contains("/beat"), "one beat, and the command itself never reached the Mayor")
    }
}
