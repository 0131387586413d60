import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// An agent without hooks, read from the screen: a small shell program that prompts `> `, shows a
/// busy line while it works (erased when done, as spinners are), then its answer.
@Suite(.serialized) struct ScreenAgentTests {
    static let repl = """
        #!/bin/sh
        while true; do
          printf '> '
          IFS= read -r line || exit 0
          printf 'working on it...'
          sleep 1
          printf '\\r\\033[K'
          echo "answer: $line"
        done
        """

    static func profile(command: String) -> String {
        """

        [agents.repl]
        command = "\(command)"
        completion = "screen"
        idle_pattern = "^>$"
        busy_pattern = "working on it"
        """
    }

    @Test func aScreenReadAgentAnswersThroughGatewaysFallbackPath() async throws {
        let fixture = try await TestTown(config: "[mayor]\nagent = \"repl\"")
        defer { fixture.close() }
        let town = fixture.town
        let agent = fixture.directory.path("repl.sh")
        try Self.repl.write(to: agent, atomically: true, encoding: .utf8)
        chmod(agent.path, 0o755)
        try fixture.configure(Self.profile(command: agent.path))

        let first = try await fixture.gw(["mayor", "send", "--wait", "--timeout", "60s", "what is two plus two"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "answer: what is two plus two\n")
        let second = try await fixture.gw(["mayor", "send", "--wait", "--timeout", "60s", "and three"])
        #expect(second.stdout == "answer: and three\n", "\(second.stderr)")
        let turns = try await Ledger(file: town.ledgerFile).recentTurns(agent: "mayor", limit: 5)
        #expect(turns.map(\.state) == [.done, .done])
        #expect(turns.allSatisfy { $0.submittedAt != nil })
    }

    @Test func aPromptIsUnsubmittedWhileTheScreenEndsWithIt() {
        let long = String(repeating: "check the nightly builds and the open pull requests ", count: 4)
        #expect(TurnDelivery.screenEnds("answer: 4\n> hello world\n", with: "hello world"))
        #expect(TurnDelivery.screenEnds("> " + long.prefix(120) + "\n" + long.dropFirst(120), with: long), "wrapped over lines")
        #expect(TurnDelivery.screenEnds("> " + long.prefix(90), with: long), "cut short by the screen's edge")
        #expect(!TurnDelivery.screenEnds("> hello world\nworking on it...", with: "hello world"), "submitted: the agent printed after it")
        #expect(!TurnDelivery.screenEnds("> hello world\nanswer: hello world\n>", with: "hello world"))
        #expect(!TurnDelivery.screenEnds("> hello", with: "hello world, and more"), "too little of it to be sure")
        #expect(!TurnDelivery.screenEnds("> something else", with: "hello world"))
        #expect(!TurnDelivery.screenEnds(">", with: ""))
    }

    @Test func theLastLinesDecideIdleAndBusy() {
        let profile = AgentProfile(name: "x", command: "x", completion: .screen, idlePattern: "^>$", busyPattern: "working")
        #expect(ScreenTurnWatcher.read("question\nanswer: 4\n> \n", profile: profile) == (idle: true, busy: false))
        #expect(ScreenTurnWatcher.read("working on it...\n> \n", profile: profile) == (idle: true, busy: true), "a TUI keeps its input line")
        #expect(ScreenTurnWatcher.read("> question\nworking on it...\n", profile: profile) == (idle: false, busy: true))
        #expect(ScreenTurnWatcher.reply(before: "> \n", after: "> question\nworking on it...\nanswer: 4\n> \n", prompt: "question",
                                        busyPattern: "working") == "answer: 4")
    }
}
