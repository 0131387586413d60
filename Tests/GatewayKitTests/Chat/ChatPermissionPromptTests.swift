import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayChat
import GatewayTestSupport

/// What the owner's phone shows of a permission request is what the agent would run: nothing in the
/// input can hide part of it (a carriage return, an escape sequence, a right-to-left override), and
/// however long or `&`-laden it is, the prompt stays a message Telegram takes and says when it is cut.
@Suite struct ChatPermissionPromptTests {
    static func prompt(tool: String = "Bash", input: String) async throws -> String {
        let directory = TemporaryDirectory("gw-chat-prompt")
        let ledger = try Ledger(file: directory.path("ledger.sqlite"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let request = try await ledger.openChatPermission(agent: "mayor", tool: tool, input: input, deadline: now.addingTimeInterval(600), at: now)
        return ChatPermissionDesk.promptText(request, timeout: .seconds(600))
    }

    static func json(command: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["command": command]), as: UTF8.self)
    }

    @Test func charactersThatWouldHideWhatRunsAreShownAsCodes() async throws {
        let command = "echo fine\r\u{1b}[2Krm -rf ~ #\u{202e}txt.exe\u{200b}\u{0}\u{7f}\u{2028}end\nsecond line\tTAB"
        let text = try await Self.prompt(tool: "Ba\u{202e}sh", input: try Self.json(command: command))
        #expect(text.contains(#"echo fine\r\u{1B}[2Krm -rf ~ #\u{202E}txt.exe\u{200B}\u{0}\u{7F}\u{2028}end"#), "\(text)")
        #expect(text.contains("\nsecond line\tTAB"), "line breaks and tabs stay as they are")
        #expect(text.contains(#"Ba\u{202E}sh"#))
        let hidden = text.unicodeScalars.filter { $0 != "\n" && $0 != "\t" && [.control, .format, .lineSeparator].contains($0.properties.generalCategory) }
        #expect(hidden.isEmpty, "no raw control or formatting character: \(hidden.map { String($0.value, radix: 16) })")
    }

    @Test func aLongOrAmpersandHeavyInputStaysUnderTelegramsLimitAndSaysItIsCut() async throws {
        for command in [String(repeating: "&", count: 1400), String(repeating: "<", count: 1400), String(repeating: "\u{1b}", count: 1400)] {
            let text = try await Self.prompt(input: try Self.json(command: command))
            #expect(text.utf16.count < 4096, "\(text.utf16.count) UTF-16 units")
            #expect(text.contains("…</pre>\n<i>Longer than shown"), "the owner is told it is cut")
        }
        let short = try await Self.prompt(input: try Self.json(command: "ls -la"))
        #expect(short.contains("<pre>ls -la</pre>\nNo answer") && !short.contains("Longer than shown"))
    }
}
