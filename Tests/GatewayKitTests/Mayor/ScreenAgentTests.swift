import Foundation
import Testing
@testable import GatewayKit

/// An agent without hooks, read from the screen: a small shell program that prompts `> `, shows a
/// busy line while it works (erased when done, as spinners are), then its answer.
@Suite(.serialized) struct ScreenAgentTests {
    @Test func aScreenReadAgentAnswersThroughGatewaysFallbackPath() async throws {
        let directory = TemporaryDirectory()
        let town = try await installTown(in: directory)
        defer { _ = try? shell("tmux -L \(town.tmuxSocket) kill-server", in: directory.url) }
        let agent = directory.path("repl.sh")
        try """
            #!/bin/sh
            while true; do
              printf '> '
              IFS= read -r line || exit 0
              printf 'working on it...'
              sleep 1
              printf '\\r\\033[K'
              echo "answer: $line"
            done
            """.write(to: agent, atomically: true, encoding: .utf8)
        chmod(agent.path, 0o755)
        var config = try String(contentsOf: town.configFile, encoding: .utf8)
        config = config.replacingOccurrences(of: "\n[mayor]\n", with: "\n[mayor]\nagent = \"repl\"\n")
        config += """

            [agents.repl]
            command = "\(agent.path)"
            completion = "screen"
            idle_pattern = "^>$"
            busy_pattern = "working on it"
            """
        try config.write(to: town.configFile, atomically: true, encoding: .utf8)

        let first = await gw(["mayor", "send", "--wait", "--timeout", "60s", "what is two plus two"], in: town.root)
        #expect(first.code == 0, "\(first.stderr)")
        #expect(first.stdout == "answer: what is two plus two\n")
        let second = await gw(["mayor", "send", "--wait", "--timeout", "60s", "and three"], in: town.root)
        #expect(second.stdout == "answer: and three\n", "\(second.stderr)")
        let turns = try await Ledger(file: town.ledgerFile).recentTurns(agent: "mayor", limit: 5)
        #expect(turns.map(\.state) == [.done, .done])
        #expect(turns.allSatisfy { $0.submittedAt != nil })
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
