import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat
import GatewayTestSupport

/// Claude Code may ask again for a call it regenerated (a retried model stream) right after the owner
/// answered it: the answer of a moment ago stands for the identical call, without a second prompt, and
/// only for a person's answer, only for the same agent, tool and input, and only for a short while.
@Suite struct ChatPermissionRepeatTests {
    let directory = TemporaryDirectory("gw-chat-permissions")

    @Test func aPersonsRecentAnswerStandsForTheSameCallOnly() async throws {
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let asked = try await ledger.openChatPermission(agent: "mayor", tool: "Bash", input: #"{"command":"touch x"}"#,
                                                        deadline: start.addingTimeInterval(600), at: start)
        try await ledger.recordChatPermissionPrompts(asked.id, [ChatMessageRef(chat: 111, message: 1000)], at: start)
        #expect(try await ledger.repeatChatPermission(agent: "mayor", tool: "Bash", input: #"{"command":"touch x"}"#,
                                                      since: start.addingTimeInterval(-120), at: start) == nil, "not while it is pending")
        #expect(try await ledger.decideChatPermission(asked.id, allow: true, by: 111, at: start.addingTimeInterval(35)))
        let now = start.addingTimeInterval(40)
        let repeated = try #require(try await ledger.repeatChatPermission(agent: "mayor", tool: "Bash", input: #"{"command":"touch x"}"#,
                                                                          since: now.addingTimeInterval(-120), at: now))
        #expect(repeated.state == .allowed && repeated.decidedBy == 111 && repeated.id != asked.id)
        #expect(repeated.promptedAt == nil)
        #expect(try await ledger.chatPermissionsToPrompt().isEmpty, "never put to the chat")
        #expect(try await ledger.chatPermissionsToSettle().map(\.id) == [asked.id], "only the asked one has prompts to settle")
        for (agent, input) in [("mayor", #"{"command":"touch y"}"#), ("polecat-a", #"{"command":"touch x"}"#)] {
            #expect(try await ledger.repeatChatPermission(agent: agent, tool: "Bash", input: input, since: now.addingTimeInterval(-120), at: now) == nil)
        }
        let later = start.addingTimeInterval(35 + 121)
        #expect(try await ledger.repeatChatPermission(agent: "mayor", tool: "Bash", input: #"{"command":"touch x"}"#,
                                                      since: later.addingTimeInterval(-120), at: later) == nil,
                "two minutes after the answer the call is asked in the chat again; a repeat never extends the window")
    }

    /// An input longer than the ledger keeps is stored cut: two calls that differ only after the cut,
    /// or a call that is the cut's start, are different calls, and the owner is asked about each.
    @Test func aCallCutToTheLimitIsNeverTakenForAnother() async throws {
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let head = #"{"command":"echo "# + String(repeating: "a", count: ChatPermission.inputLimit)
        let approved = head + #" && ls"}"#
        let asked = try await ledger.openChatPermission(agent: "mayor", tool: "Bash", input: approved, deadline: start.addingTimeInterval(600), at: start)
        try await ledger.recordChatPermissionPrompts(asked.id, [ChatMessageRef(chat: 111, message: 1000)], at: start)
        #expect(try await ledger.decideChatPermission(asked.id, allow: true, by: 111, at: start.addingTimeInterval(5)))
        let now = start.addingTimeInterval(10)
        for input in [head + #" && rm -rf ~"}"#, String(approved.prefix(ChatPermission.inputLimit)), approved] {
            #expect(try await ledger.repeatChatPermission(agent: "mayor", tool: "Bash", input: input, since: now.addingTimeInterval(-120), at: now) == nil,
                    "asked again: \(input.suffix(20))")
        }
    }

    /// A request whose hook died keeps nobody waiting: well past its deadline it is closed, and only then.
    @Test func anAbandonedRequestIsClosedOnlyPastItsDeadline() async throws {
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let asked = try await ledger.openChatPermission(agent: "mayor", tool: "Bash", input: "{}", deadline: start.addingTimeInterval(60), at: start)
        #expect(try await ledger.expireAbandonedChatPermissions(before: start.addingTimeInterval(50), at: start.addingTimeInterval(60)) == 0)
        #expect(try await ledger.chatPermission(asked.id)?.state == .pending)
        #expect(try await ledger.expireAbandonedChatPermissions(before: start.addingTimeInterval(61), at: start.addingTimeInterval(71)) == 1)
        #expect(try await ledger.chatPermission(asked.id)?.state == .timedOut)
    }

    @Test func aTimeoutIsNeverRepeated() async throws {
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let asked = try await ledger.openChatPermission(agent: "mayor", tool: "Bash", input: "{}", deadline: start.addingTimeInterval(3), at: start)
        #expect(try await ledger.expireChatPermission(asked.id, at: start.addingTimeInterval(3)))
        #expect(try await ledger.repeatChatPermission(agent: "mayor", tool: "Bash", input: "{}", since: start, at: start.addingTimeInterval(4)) == nil,
                "nobody answered: the next ask goes to the chat again")
    }
}
