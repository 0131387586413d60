import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayUsage
import GatewayTestSupport

/// The usage reader on transcripts written by hand, hostile ones among them: each message counts once,
/// damage is skipped and never stops the read, and a path outside the agent's Claude folder is not read.
struct UsageCollectorTests {
    let directory = TemporaryDirectory("usage")
    let environment: GatewayEnvironment
    let ledger: Ledger
    let projects: URL

    init() throws {
        let home = directory.path("home")
        projects = home.appendingPathComponent(".claude/projects/-town-mayor")
        try FileManager.default.createDirectory(at: projects, withIntermediateDirectories: true)
        environment = GatewayEnvironment.test(workingDirectory: directory.url, variables: ["HOME": home.path],
                                              clock: ManualWallClock(Date(timeIntervalSince1970: 1_780_000_000))).0
        ledger = try Ledger(file: directory.path("ledger.sqlite"))
    }

    static func prompt(_ id: String) -> String {
        #"{"type":"user","promptId":"\#(id)","message":{"role":"user","content":"hello"},"timestamp":"2026-12-05T10:00:00.000Z"}"#
    }

    static func assistant(_ id: String, input: Int = 100, cacheWrite: Int = 20, cacheRead: Int = 1000, output: Int, sidechain: Bool = false, model: String = "claude-sonnet-4-5") -> String {
        #"{"type":"assistant","isSidechain":\#(sidechain),"timestamp":"2026-12-05T10:00:01.500Z","message":{"id":"\#(id)","model":"\#(model)","role":"assistant","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":\#(input),"cache_creation_input_tokens":\#(cacheWrite),"cache_read_input_tokens":\#(cacheRead),"output_tokens":\#(output)}}}"#
    }

    func transcript(_ name: String, _ lines: [String], end: String = "\n") throws -> URL {
        let file = projects.appendingPathComponent(name)
        try Data((lines.joined(separator: "\n") + end).utf8).write(to: file)
        return file
    }

    /// Records a hook event naming `path`, as the agent's hook would.
    func announce(_ path: String, agent: String = "mayor") async throws {
        let payload = #"{"session_id":"s1","transcript_path":"\#(path)","hook_event_name":"Stop"}"#
        try await ledger.applyHookEvent(HookEvent(name: .stop, json: payload), agent: agent, at: environment.clock.now())
    }

    func total() async throws -> TokenCounts {
        try await ledger.usageRows(since: .distantPast).reduce(TokenCounts()) { $0 + $1.tokens }
    }

    @Test func aSplitMessageCountsOnceWithItsLargestFigures() async throws {
        let file = try transcript("a.jsonl", [
            Self.prompt("p1"),
            Self.assistant("msg_1", output: 1), Self.assistant("msg_1", output: 5), Self.assistant("msg_1", output: 12),
            Self.assistant("msg_side", output: 999, sidechain: true),
            Self.assistant("msg_fake", output: 50, model: "<synthetic>"),
        ])
        try await announce(file.path)
        let collector = UsageCollector(environment: environment)
        try await collector.collect(ledger: ledger)
        try await collector.collect(ledger: ledger)
        let rows = try await ledger.usageRows(since: .distantPast)
        #expect(rows.count == 1)
        #expect(rows.first?.tokens == TokenCounts(input: 100, cacheWrite: 20, cacheRead: 1000, output: 12))
        #expect(rows.first?.at == Date(timeIntervalSince1970: 1_796_464_801.5))
    }

    @Test func damageIsSkippedAndTheReadGoesOn() async throws {
        var bytes = Data((Self.prompt("p1") + "\n").utf8)
        bytes += Data("{not json\n".utf8)
        bytes += Data([0xFF, 0xFE, 0x00, 0x0A])  // invalid UTF-8 and a NUL
        bytes += Data((Self.assistant("msg_neg", input: -5, output: -1) + "\n").utf8)
        bytes += Data((Self.assistant("msg_huge", input: 100, output: 7).replacingOccurrences(of: "\"cache_read_input_tokens\":1000", with: "\"cache_read_input_tokens\":1e300") + "\n").utf8)
        bytes += Data((#"{"type":"assistant","message":{"id":"msg_text_usage","usage":"lots"}}"# + "\n").utf8)
        bytes += Data(repeating: UInt8(ascii: "x"), count: TranscriptAccess.maxLineBytes + 10) + Data("\n".utf8)
        bytes += Data((Self.assistant("msg_after", output: 3) + "\n").utf8)
        let file = projects.appendingPathComponent("b.jsonl")
        try bytes.write(to: file)
        try await announce(file.path)
        try await UsageCollector(environment: environment).collect(ledger: ledger)
        let rows = try await ledger.usageRows(since: .distantPast)
        let byTokens = rows.map(\.tokens)
        #expect(byTokens.contains(TokenCounts(input: 0, cacheWrite: 20, cacheRead: 1000, output: 0)), "negative figures count 0")
        #expect(byTokens.contains(TokenCounts(input: 100, cacheWrite: 20, cacheRead: 0, output: 7)), "an absurd figure counts 0")
        #expect(byTokens.contains(TokenCounts(input: 100, cacheWrite: 20, cacheRead: 1000, output: 3)), "the message after a giant line is read")
        #expect(rows.count == 3)
    }

    @Test func aLineStillBeingWrittenIsReadWhenItEnds() async throws {
        let file = try transcript("c.jsonl", [Self.prompt("p1"), Self.assistant("msg_1", output: 4)], end: "")
        try await announce(file.path)
        let collector = UsageCollector(environment: environment)
        try await collector.collect(ledger: ledger)
        #expect(try await ledger.usageRows(since: .distantPast).isEmpty, "half a line is not read")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
        try await collector.collect(ledger: ledger)
        #expect(try await total() == TokenCounts(input: 100, cacheWrite: 20, cacheRead: 1000, output: 4))
    }

    @Test func aReplacedTranscriptIsReadAgainWithoutCountingTwice() async throws {
        let file = try transcript("d.jsonl", [Self.prompt("p1"), Self.assistant("msg_1", output: 4), Self.assistant("msg_2", output: 6)])
        try await announce(file.path)
        let collector = UsageCollector(environment: environment)
        try await collector.collect(ledger: ledger)
        _ = try transcript("d.jsonl", [Self.assistant("msg_1", output: 4)])
        try await collector.collect(ledger: ledger)
        #expect(try await total().output == 10)
    }

    @Test func pathsOutsideTheClaudeFolderAreNeverRead() async throws {
        let outside = directory.path("elsewhere.jsonl")
        try Data((Self.assistant("msg_x", output: 77) + "\n").utf8).write(to: outside)
        let link = projects.appendingPathComponent("link.jsonl")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
        for path in [outside.path, link.path, projects.path + "/../../../elsewhere.jsonl", "/etc/passwd", "", "relative.jsonl"] {
            try await announce(path)
        }
        try await ledger.applyHookEvent(HookEvent(name: .stop, json: "{\"transcript_path\": 5}"), agent: "mayor", at: environment.clock.now())
        try await ledger.applyHookEvent(HookEvent(name: .stop, json: "not json at all \u{0}"), agent: "mayor", at: environment.clock.now())
        try await UsageCollector(environment: environment).collect(ledger: ledger)
        #expect(try await ledger.usageRows(since: .distantPast).isEmpty)
    }

    @Test func readersAtOnceStoreEachMessageOnce() async throws {
        var lines = [Self.prompt("p1")]
        for index in 0..<400 { lines.append(Self.assistant("msg_\(index)", output: index + 1)) }
        let file = try transcript("e.jsonl", lines)
        try await announce(file.path)
        let environment = self.environment, ledger = self.ledger
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await UsageCollector(environment: environment).collect(ledger: ledger) } }
            try await group.waitForAll()
        }
        #expect(try await total().output == (1...400).reduce(0, +))
        #expect(try await ledger.usageRows(since: .distantPast).count == 400)
    }

    @Test func messagesBelongToTheTurnWhosePromptTheyFollow() async throws {
        let turn = try await ledger.enqueueTurn(agent: "mayor", text: "hello", source: "heartbeat:7", at: environment.clock.now())
        try await ledger.database.write { db in try db.execute(sql: "UPDATE turns SET prompt_id = 'p1', state = 'done' WHERE id = ?", arguments: [turn]) }
        let file = try transcript("f.jsonl", [Self.prompt("p1"), Self.assistant("msg_1", output: 4), Self.prompt("p-typed"), Self.assistant("msg_2", output: 6)])
        try await announce(file.path)
        try await UsageCollector(environment: environment).collect(ledger: ledger)
        let rows = try await ledger.usageRows(since: .distantPast)
        #expect(rows.map(\.turnId) == [turn, nil])
        #expect(rows.map { UsageSource(turnSource: $0.turnSource) } == [.heartbeat, .typed])
    }
}
