import Foundation
import Testing
@testable import GatewayCLI
import GatewayCore
import GatewayTestSupport

/// `gw memory search`'s early path: the spellings a user or script types are read without the command
/// tree and print what the tree's command prints; anything else is left to the tree.
@Suite struct MemorySearchLineTests {
    @Test func theUsualSpellingsAreReadInAnyOrder() {
        #expect(MemorySearchLine(["memory", "search", "tmux"]) == MemorySearchLine(query: "tmux"))
        let expected = MemorySearchLine(query: "新闻 today", limit: 3, json: true, town: "/t", verbose: true)
        #expect(MemorySearchLine(["memory", "search", "新闻 today", "--limit", "3", "--json", "--town", "/t", "--verbose"]) == expected)
        #expect(MemorySearchLine(["memory", "search", "--verbose", "--town=/t", "--limit=3", "--json", "新闻 today"]) == expected)
    }

    @Test func otherSpellingsAreLeftToTheCommandTree() {
        #expect(MemorySearchLine(["memory", "search"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "--help"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "a", "b"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "a", "--limit"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "a", "--limit", "many"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "a", "--limit=many"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "a", "-h"]) == nil)
        #expect(MemorySearchLine(["memory", "search", "--", "-a"]) == nil)
        #expect(MemorySearchLine(["memory", "show"]) == nil)
        #expect(MemorySearchLine(["search", "memory", "a"]) == nil)
    }

    /// Both paths print the same, text and JSON, and refuse the same mistakes with the same exit code.
    @Test func theEarlyPathPrintsWhatTheCommandTreePrints() async throws {
        let town = try await TestTown()
        defer { town.close() }
        try FileSystem.writeAtomically("# 2026-03-01\n\n- 09:00 the tmux socket moved\n",
                                       to: town.town.mayorDirectory.appendingPathComponent("memory/2026-03-01.md"))
        // Hostile queries too: empty, blank, a paste end, a shell line, a tmux format, FTS syntax, control
        // characters, a huge one.
        let hostile = ["", " ", "a\u{1B}[201~b", "x; rm -rf ~", "#{pane_id}", "\"half", "tmux*", "NEAR(tmux", "\u{7}\u{8}tmux\u{7F}",
                       String(repeating: "tmux ", count: 20_000)].map { [$0] } + [["tmux", "--limit", "-1"]]
        for arguments in [["tmux"], ["tmux", "--json"], ["tmux", "--limit", "1"], ["nothing-like-it"], ["?!"], ["tmux", "--limit", "0"]] + hostile {
            let early = try await run(["memory", "search"] + arguments + ["--town", town.town.root.path])
            // The same search spelled with `--` before the query, which only the tree reads.
            let tree = try await run(["memory", "search", "--town", town.town.root.path] + arguments.dropFirst() + ["--", arguments[0]])
            #expect(MemorySearchLine(["memory", "search", "--town", "/t"] + arguments.dropFirst() + ["--", arguments[0]]) == nil)
            #expect(early.code == tree.code && early.output == tree.output, "\(arguments): \(early) vs \(tree)")
        }
        let found = try await run(["memory", "search", "tmux", "--town", town.town.root.path])
        #expect(found.code == 0 && found.output.hasPrefix("memory/2026-03-01.md:3  ") && found.output.contains("[tmux] socket"), "\(found)")
    }

    func run(_ arguments: [String]) async throws -> (code: Int32, output: String) {
        let (environment, output) = GatewayEnvironment.test(workingDirectory: FileManager.default.temporaryDirectory)
        let code = await GatewayMain.execute(arguments: arguments, environment: environment)
        return (code, output.stdout + output.stderr)
    }
}
