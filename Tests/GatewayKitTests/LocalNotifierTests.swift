import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

@Suite struct LocalNotifierTests {
    /// A folder holding stand-in programs with the given names.
    func bin(_ names: [String]) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        for name in names {
            let file = directory.path(name)
            try "#!/bin/sh\nexit 0\n".write(to: file, atomically: true, encoding: .utf8)
            chmod(file.path, 0o755)
        }
        return directory
    }

    @Test func prefersNotifySendThenTerminalNotifierThenOsascript() throws {
        let all = try bin(["notify-send", "terminal-notifier", "osascript"])
        let linux = DesktopNotifier(processes: LiveProcessRunner(), path: all.url.path).command(title: "T", text: "x", urgent: false)
        #expect(linux?.arguments == ["--app-name=Gateway", "--urgency=normal", "--", "T", "x"])
        let mac = try bin(["terminal-notifier", "osascript"])
        let terminal = DesktopNotifier(processes: LiveProcessRunner(), path: mac.url.path).command(title: "T", text: "x", urgent: true)
        #expect(terminal?.arguments == ["-title", "T", "-message", "x", "-group", "gateway"])
        let bare = try bin(["osascript"])
        let script = DesktopNotifier(processes: LiveProcessRunner(), path: bare.url.path)
            .command(title: "Say \"hi\"", text: #"back\slash"#, urgent: false)
        #expect(script?.arguments == ["-e", #"display notification "back\\slash" with title "Say \"hi\"""#])
        let none = try bin([])
        #expect(DesktopNotifier(processes: LiveProcessRunner(), path: none.url.path).command(title: "T", text: "x", urgent: false) == nil)
    }

    @Test func consolePrintsTheTargetPriorityTitleAndText() async throws {
        let output = CapturedOutput()
        let rig = try await NotifyTestRig("[notify.targets.term]\nkind = \"console\"")
        let entry = try await rig.enqueue("manual:1", target: "term", title: "T", text: "hello", priority: .urgent)
        try await ConsoleNotifier(output: output, targetName: "term").deliver(entry) { _ in }
        #expect(output.stdout == "[notify term] [urgent] T: hello\n")
    }
}
