import ArgumentParser
import Foundation
import Testing
@testable import GatewayCLI
import GatewayCore
import GatewayTestSupport

/// The early reading of the lines agents and hooks run often: plain spellings are read as the command
/// tree reads them; anything else is left to the tree.
@Suite struct PlainLineTests {
    func read(_ arguments: [String]) -> PlainLine? {
        PlainLine(arguments, command: ["hook", "put"], words: 2, options: ["--name", "--town"], flags: ["--verbose"])
    }

    @Test func wordsOptionsAndFlagsAreReadInAnyOrder() {
        let expected = PlainLine(words: ["mayor", "plan.md"], options: ["--name": "job.md", "--town": "/t"], flags: ["--verbose"])
        #expect(read(["hook", "put", "mayor", "plan.md", "--name", "job.md", "--town", "/t", "--verbose"]) == expected)
        #expect(read(["hook", "put", "--verbose", "--town=/t", "mayor", "--name=job.md", "plan.md"]) == expected)
        #expect(read(["hook", "put", "mayor", "plan.md", "--name", "first.md", "--name", "job.md", "--town", "/t", "--verbose"]) == expected,
                "the last value given wins, as in the tree")
        #expect(read(["hook", "put", "mayor", "-"]) == PlainLine(words: ["mayor", "-"]), "- alone is standard input")
    }

    /// Hostile words are values like any other: nothing in them is read as a command or format.
    @Test func hostileWordsAreValues() {
        for word in ["x; rm -rf ~", "#{pane_id}", "a\u{1B}[201~b", "\0", "\u{7}\u{8}\u{7F}", "名前.md", String(repeating: "a", count: 100_000), "a=b", ""] {
            #expect(read(["hook", "put", "mayor", word]) == PlainLine(words: ["mayor", word]), "\(word.prefix(20))")
            #expect(read(["hook", "put", "mayor", "f", "--name", word]) == PlainLine(words: ["mayor", "f"], options: ["--name": word]))
        }
    }

    @Test func anythingElseIsLeftToTheTree() {
        let refused: [[String]] = [
            ["hook", "put"], ["hook", "put", "mayor"], ["hook", "put", "mayor", "a", "b"], ["hook", "show", "mayor", "a"],
            ["put", "hook", "mayor", "a"], ["hook", "put", "mayor", "a", "--help"], ["hook", "put", "mayor", "a", "-h"],
            ["hook", "put", "--", "mayor", "a"], ["hook", "put", "mayor", "a", "--name"], ["hook", "put", "mayor", "a", "--name", "-x"],
            ["hook", "put", "mayor", "a", "--json"], ["hook", "put", "mayor", "a", "--verbose=yes"], ["hook", "put", "mayor", "a", "--nam=x"],
            ["hook", "put", "mayor", "a", "-v"], ["hook", "put", "-x", "a"], ["hook", "put", "mayor", "a", "--name="],
        ]
        for line in refused { #expect(read(line) == nil, "\(line)") }
    }

    /// What the early readers take, the tree parses to the same values.
    @Test func theTreeReadsTheSameValues() throws {
        let puts: [[String]] = [["hook", "put", "mayor", "-"], ["hook", "put", "--verbose", "pc-1", "a;b", "--name=#{x}", "--town", "/t"],
                                ["hook", "put", "mayor", "plan.md", "--name", "a", "--name", "b"], ["hook", "put", "", "\0", "--name", ""]]
        for line in puts {
            let early = try #require(HookPutLine(line))
            let tree = try #require(try GatewayCommand.parseAsRoot(line) as? HookPut)
            #expect(HookPutLine(agent: tree.agent, file: tree.file, name: tree.name, town: tree.global.town, verbose: tree.global.verbose) == early, "\(line)")
        }
        #expect(AgentEventLine(["agent-event", "Stop", "--agent="]) == nil, "the tree refuses an empty value")
        for line in [["agent-event", "-"], ["agent-event", "Stop", "--agent=a=b", "--town", "/t"], ["agent-event", "--verbose", "UserPromptSubmit", "--agent", "pc-2"]] {
            let early = try #require(AgentEventLine(line))
            let tree = try #require(try GatewayCommand.parseAsRoot(line) as? AgentEvent)
            #expect(AgentEventLine(event: tree.event, agent: tree.agent, town: tree.global.town, verbose: tree.global.verbose) == early, "\(line)")
        }
        for line in [["memory", "search", "-"], ["memory", "search", "a b", "--limit=-1", "--json"], ["memory", "search", "--limit", "3", "x"]] {
            let early = try #require(MemorySearchLine(line))
            let tree = try #require(try GatewayCommand.parseAsRoot(line) as? MemorySearch)
            #expect(MemorySearchLine(query: tree.query, limit: tree.limit, json: tree.format.json, town: tree.global.town,
                                     verbose: tree.global.verbose) == early, "\(line)")
        }
    }

    /// `gw hook put` both ways, each in its own town: the same words printed (the commit's hash aside),
    /// the same file committed, and the same refusals with the same exit codes.
    @Test func hookPutPrintsWhatTheCommandTreePrints() async throws {
        let early = try await TestTown()
        defer { early.close() }
        let tree = try await TestTown()
        defer { tree.close() }
        let source = early.directory.path("plan.md")
        try FileSystem.writeAtomically("review the open pull requests\n", to: source)
        let cases: [[String]] = [
            ["mayor", source.path], ["mayor", source.path], ["mayor", source.path, "--name", "job.md"],
            ["mayor", "/nonexistent/file.md"], ["mayor", early.directory.url.path], ["../evil", source.path],
            ["mayor", source.path, "--name", "../escape.md"], ["mayor", source.path, "--name", "a;b #{pane_id}\u{1B}"],
        ]
        for arguments in cases {
            let fast = await run(["hook", "put"] + arguments + ["--town", early.town.root.path])
            #expect(HookPutLine(["hook", "put"] + arguments) != nil)
            // The same line spelled with `--` before the words, which only the tree reads.
            let options = Array(arguments.dropFirst(2))
            let slow = await run(["hook", "put", "--town", tree.town.root.path] + options + ["--"] + arguments.prefix(2))
            #expect(fast.code == slow.code && masked(fast.output) == masked(slow.output), "\(arguments): \(fast) vs \(slow)")
        }
        let files = try await shell("git ls-tree -r --name-only hooks/mayor", in: early.town.root)
        #expect(files == (try await shell("git ls-tree -r --name-only hooks/mayor", in: tree.town.root)))
        #expect(files.contains("work/plan.md") && files.contains("work/job.md"), "\(files)")
    }

    func run(_ arguments: [String]) async -> (code: Int32, output: String) {
        let (environment, output) = GatewayEnvironment.test(workingDirectory: FileManager.default.temporaryDirectory,
                                                            clock: .live, processes: .live)
        let code = await GatewayMain.execute(arguments: arguments, environment: environment)
        return (code, output.stdout + output.stderr)
    }

    /// The output with commit hashes taken out.
    func masked(_ text: String) -> String {
        text.replacingOccurrences(of: #"commit [0-9a-f]{7,}"#, with: "commit …", options: .regularExpression)
    }
}
