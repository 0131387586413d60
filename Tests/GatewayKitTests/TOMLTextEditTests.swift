import Foundation
import Testing
@testable import GatewayCore

/// Editing gateway.toml keeps everything the user wrote: comments, order, blank lines; a key is
/// replaced where it is, added under its table, or its table added at the end.
@Suite struct TOMLTextEditTests {
    static let file = """
        # My town.
        [heartbeat]
        # every = "30m"   (the default)
        every = "1h"      # slower on weekends
        notify = []

        [mayor]
        agent = "claude"
        """

    @Test func replacesAddsAndKeepsTheRest() {
        var edit = TOMLTextEdit(Self.file)
        let every = edit.set(table: "heartbeat", key: "every", value: TOMLTextEdit.string("30m"))
        #expect(every.before == #"every = "1h"      # slower on weekends"# && every.after == #"every = "30m""#)
        let zone = edit.set(table: "heartbeat.active_hours", key: "timezone", value: TOMLTextEdit.string("Asia/Shanghai"))
        #expect(zone.before == nil)
        let agent = edit.set(table: "mayor", key: "agent", value: TOMLTextEdit.string("claude"))
        #expect(!agent.changed, "the same value is no change")
        edit.set(table: "mayor", key: "paste_delay", value: TOMLTextEdit.string("1s"))
        #expect(edit.text == """
            # My town.
            [heartbeat]
            # every = "30m"   (the default)
            every = "30m"
            notify = []

            [mayor]
            paste_delay = "1s"
            agent = "claude"

            [heartbeat.active_hours]
            timezone = "Asia/Shanghai"

            """)
    }

    @Test func aCommentedKeyOrAKeyInAnotherTableIsNotTheKey() {
        var edit = TOMLTextEdit("[a]\n# x = 1\n[b]\nx = 2\n")
        edit.set(table: "a", key: "x", value: "3")
        #expect(edit.text == "[a]\nx = 3\n# x = 1\n[b]\nx = 2\n")
    }

    @Test func stringsAreEscaped() {
        #expect(TOMLTextEdit.string("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
        #expect(TOMLTextEdit.array([TOMLTextEdit.string("x"), "1"]) == #"["x", 1]"#)
    }
}
