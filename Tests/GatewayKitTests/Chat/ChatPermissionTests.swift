import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayChat
import GatewayTestSupport

/// Permissions answered from the phone, with the Mayor played by gw-agent-sim (a rule that asks to run
/// a Bash command): the owner's chat gets the request with Allow and Deny, the hook waits and answers
/// the agent with the press, a press from anyone else changes nothing, no answer denies at the
/// timeout, and each outcome takes the buttons away and is said in the chat.
@Suite(.serialized) struct ChatPermissionTests {
    static let owner = ChatInboxTests.owner
    static let rules = """
        [[rule]]
        match = "use bash"
        permission_prompt = { tool = "Bash", input = { command = "rm -rf build && echo <done>" } }
        reply = "Ran it."
        """

    let state = TemporaryDirectory("gw-chat-state")

    func start(_ api: FakeBotAPI, timeout: String = "10m") async throws -> (TestTown, ChildProcess) {
        let chat = ChatDaemonTests.chat(api) + "permission_timeout = \"\(timeout)\"\n"
        let town = try await TestTown(.sim(rules: Self.rules), config: TestTown.quickMayor, TestTown.quickDaemon, chat)
        let daemon = try town.spawnDaemon(["--verbose"], variables: ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path])
        try await town.wait("the first poll") { api.offsetsPolled.isEmpty ? nil : true }
        return (town, daemon)
    }

    static func press(_ update: Int64, by user: Int64, data: String, on message: Int64) -> [String: Any] {
        ["update_id": update, "callback_query": ["id": "cb\(update)", "from": ["id": user, "is_bot": false, "first_name": "Eve"], "data": data,
                                                 "message": ["message_id": message, "chat": ["id": user, "type": "private"]]]]
    }

    func prompt(_ api: FakeBotAPI, town: TestTown) async throws -> FakeBotAPI.Received {
        try await town.wait("the permission prompt") { api.accepted.first { !$0.buttons.isEmpty } }
    }

    @Test func allowFromThePhoneLetsTheToolRunAndTheButtonsGo() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(5, from: Self.owner, text: "use bash")])
        let asked = try await prompt(api, town: town)
        #expect(asked.chatID == String(Self.owner))
        #expect(asked.buttons == ["perm:1:allow", "perm:1:deny"])
        #expect(asked.text.contains("The Mayor asks to use Bash") && asked.text.contains("rm -rf build &amp;&amp; echo &lt;done&gt;"), "escaped: \(asked.text)")
        api.deliver([Self.press(6, by: Self.owner, data: "perm:1:allow", on: asked.messageId)])
        let answer = try await town.wait("the Mayor's answer") { api.accepted.first { $0.replyTo == 5 } }
        #expect(answer.text == "Ran it.")
        try await town.wait("the buttons taken away") {
            api.buttonsCalls.contains { $0.method == "editMessageReplyMarkup" && $0.body["message_id"] == String(asked.messageId) } ? true : nil
        }
        #expect(api.buttonsCalls.contains { $0.method == "answerCallbackQuery" && $0.body["callback_query_id"] == "cb6" })
        let outcome = try await town.wait("the outcome in the chat") { api.accepted.first { $0.replyTo == asked.messageId } }
        #expect(outcome.text.contains("Allowed by \(Self.owner)"))
        let status = try await town.gwOK(["mayor", "status"])
        #expect(status.contains("permission 1 Bash") && status.contains("allowed by Telegram user \(Self.owner)"), "\(status)")
        let settings = try String(contentsOf: town.town.runtimeDirectory.appendingPathComponent("agents/mayor/settings.json"), encoding: .utf8)
        #expect(settings.contains("\"timeout\" : 660"), "the PermissionRequest hook outlives the wait: \(settings)")
        #expect(settings.contains("\"timeout\" : 30"))
    }

    @Test func aStrangersPressChangesNothingAndDenyIsTheOwners() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(5, from: Self.owner, text: "use bash")])
        let asked = try await prompt(api, town: town)
        api.deliver([Self.press(6, by: 42, data: "perm:1:allow", on: asked.messageId)])
        try await town.wait("the stranger's press stored as a stranger's") {
            try await town.ledger().chatUpdates(bot: FakeBotAPI.botId, state: .stranger).contains { $0.updateId == 6 } ? true : nil
        }
        #expect(try await town.ledger().chatPermission(1)?.state == .pending)
        api.deliver([Self.press(7, by: Self.owner, data: "perm:1:deny", on: asked.messageId)])
        let answer = try await town.wait("the Mayor's answer") { api.accepted.first { $0.replyTo == 5 } }
        #expect(answer.text.contains("denied") && answer.text.contains("The owner denied this."))
        let outcome = try await town.wait("the outcome in the chat") { api.accepted.first { $0.replyTo == asked.messageId } }
        #expect(outcome.text.contains("Denied by \(Self.owner)"))
        #expect(try await town.ledger().chatPermission(1)?.decidedBy == Self.owner)
    }

    /// Button data is whatever a client sends: nothing but the exact `perm:ID:allow|deny` of a pending
    /// request decides anything, and every other press is answered and put aside.
    @Test func hostileButtonDataDecidesNothing() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api)
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(5, from: Self.owner, text: "use bash")])
        let asked = try await prompt(api, town: town)
        let hostile = ["perm:1:allow;rm -rf ~", "perm:1:ALLOW", "perm:99999:allow", "perm:-1:deny", "perm:1:allow\u{0}", "perm::allow",
                       "", "\u{1b}[201~perm:1:allow", "#{pane_id}", String(repeating: "perm:1:allow", count: 5_000)]
        api.deliver(hostile.enumerated().map { Self.press(Int64(100 + $0.offset), by: Self.owner, data: $0.element, on: asked.messageId) })
        try await town.wait("every odd press answered") {
            (100..<(100 + hostile.count)).allSatisfy { id in api.buttonsCalls.contains { $0.body["callback_query_id"] == "cb\(id)" } } ? true : nil
        }
        #expect(try await town.ledger().chatPermission(1)?.state == .pending, "none of them decided the request")
        #expect(try await town.ledger().chatPermission(99999) == nil)
        api.deliver([Self.press(200, by: Self.owner, data: asked.buttons[0], on: asked.messageId)])
        let answer = try await town.wait("the Mayor's answer") { api.accepted.first { $0.replyTo == 5 } }
        #expect(answer.text == "Ran it.")
    }

    @Test func noAnswerDeniesAtTheTimeoutAndTheOwnerIsTold() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let (town, daemon) = try await start(api, timeout: "2s")
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(5, from: Self.owner, text: "use bash")])
        let asked = try await prompt(api, town: town)
        let answer = try await town.wait("the Mayor's answer") { api.accepted.first { $0.replyTo == 5 } }
        #expect(answer.text.contains("No answer from the owner within 2s"))
        let outcome = try await town.wait("the outcome in the chat") { api.accepted.first { $0.replyTo == asked.messageId } }
        #expect(outcome.text.contains("No answer within 2s: denied"))
        #expect(try await town.ledger().chatPermission(1)?.state == .timedOut)
        // A press after the timeout is told it came too late and changes nothing.
        api.deliver([Self.press(6, by: Self.owner, data: "perm:1:allow", on: asked.messageId)])
        try await town.wait("the late press answered") { api.buttonsCalls.contains { $0.body["callback_query_id"] == "cb6" } ? true : nil }
        #expect(api.buttonsCalls.first { $0.body["callback_query_id"] == "cb6" }?.body["text"]?.contains("Too late") == true)
        #expect(try await town.ledger().chatPermission(1)?.state == .timedOut)
    }

    /// Telegram refuses the prompt until the wait is over: the request is denied, and the owner is
    /// told afterwards, once, instead of never hearing of it.
    @Test func aRequestNobodyCouldBeAskedIsToldAfterItsTimeout() async throws {
        let api = try FakeBotAPI { text, _ in text.contains("asks to use") ? .serverError(500) : .ok }
        defer { api.stop() }
        let (town, daemon) = try await start(api, timeout: "2s")
        defer { daemon.signal(SIGTERM); town.close() }
        api.deliver([ChatInboxTests.message(5, from: Self.owner, text: "use bash")])
        let answer = try await town.wait("the Mayor's answer") { api.accepted.first { $0.replyTo == 5 } }
        #expect(answer.text.contains("No answer from the owner within 2s"))
        let told = try await town.wait("the owner told of the unseen request") {
            api.accepted.first { $0.chatID == String(Self.owner) && $0.text.contains("could not be sent here") }
        }
        #expect(told.text.contains("Bash") && told.text.contains("permission 1"), "\(told.text)")
        #expect(!api.accepted.contains { !$0.buttons.isEmpty }, "no prompt ever got through")
        #expect(api.accepted.filter { $0.text.contains("could not be sent here") }.count == 1)
    }
}
