import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
import GatewayTestSupport

/// What an agent hands `gw agent-event` is bounded: a transcript is read only when it is a regular
/// file in the agent's Claude folder, and only so much of it; a payload is stored up to its cap, and a
/// Stop over the cap takes its reply from the transcript — never a cut reply.
@Suite struct HookInputBoundsTests {
    struct Fixture {
        let hooks: TestTown
        let claude: URL
        var variables: [String: String] { ["GW_TOWN": hooks.town.root.path, "GW_AGENT": "worker", "CLAUDE_CONFIG_DIR": claude.path] }

        init() async throws {
            hooks = try await TestTown()
            claude = hooks.directory.path("claude-config")
            try FileManager.default.createDirectory(at: claude, withIntermediateDirectories: true)
        }

        /// A transcript whose last turn answered `reply`.
        func transcript(at url: URL, reply: String) throws {
            let lines = [
                #"{"type":"user","message":{"role":"user","content":"hello"},"uuid":"u1"}"#,
                #"{"type":"assistant","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"\#(reply)"}]},"uuid":"a1"}"#,
            ]
            try FileSystem.writeAtomically(lines.joined(separator: "\n") + "\n", to: url)
        }

        /// A turn of `worker` that was submitted and waits for its Stop.
        func submittedTurn() async throws -> Int64 {
            let ledger = try Ledger(file: hooks.town.ledgerFile)
            let id = try await ledger.enqueueTurn(agent: "worker", text: "hello", source: "test", at: Date())
            try await ledger.markTurnSent(id, at: Date())
            try await ledger.markTurnSubmitted(id, at: Date())
            return id
        }

        /// `gw agent-event Stop` under a memory limit and a deadline, so a hook that reads without end
        /// fails the test instead of the machine.
        func stop(payloadFile: URL) async throws -> ProcessResult {
            let gw = ShellQuote.word(try builtProduct("gw").path)
            let script = "ulimit -v 8000000; exec timeout 60 \(gw) agent-event Stop < \(ShellQuote.word(payloadFile.path))"
            return try await LiveProcessRunner().run(Command("/bin/sh", ["-c", script], in: hooks.town.root, environment: variables))
        }

        func turn(_ id: Int64) async throws -> Turn? { try await Ledger(file: hooks.town.ledgerFile).turn(id) }
    }

    static func payload(_ fields: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    @Test func aTranscriptPathThatIsNoRegularFileInTheAgentsClaudeFolderIsNeverRead() async throws {
        let fixture = try await Fixture()
        let outside = fixture.hooks.directory.path("elsewhere/s.jsonl")
        try fixture.transcript(at: outside, reply: "read from outside")
        let link = fixture.claude.appendingPathComponent("projects/x/zero.jsonl")
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/dev/zero")
        for path in ["/dev/zero", link.path, outside.path] {
            let id = try await fixture.submittedTurn()
            let file = fixture.hooks.directory.path("payload.json")
            try FileSystem.writeAtomically(try Self.payload(["session_id": "s", "transcript_path": path]), to: file)
            let result = try await fixture.stop(payloadFile: file)
            #expect(result.status == 0, "\(path): status \(result.status) \(result.stderr)")
            let turn = try #require(try await fixture.turn(id))
            #expect(turn.state.hasEnded && turn.reply != "read from outside", "\(path): \(turn)")
        }
        // Inside the agent's folder the same transcript is read.
        let inside = fixture.claude.appendingPathComponent("projects/x/s.jsonl")
        try fixture.transcript(at: inside, reply: "read from inside")
        let id = try await fixture.submittedTurn()
        let file = fixture.hooks.directory.path("payload.json")
        try FileSystem.writeAtomically(try Self.payload(["session_id": "s", "transcript_path": inside.path]), to: file)
        #expect(try await fixture.stop(payloadFile: file).status == 0)
        #expect(try await fixture.turn(id)?.reply == "read from inside")
    }

    @Test func aHugeStopPayloadIsNotStoredAndItsReplyComesWholeFromTheTranscript() async throws {
        let fixture = try await Fixture()
        let transcript = fixture.claude.appendingPathComponent("projects/x/s.jsonl")
        try fixture.transcript(at: transcript, reply: "the whole reply")
        let id = try await fixture.submittedTurn()
        let file = fixture.hooks.directory.path("huge.json")
        // Claude Code's order: the ids and the transcript first, the reply last.
        let huge = String(repeating: "x", count: 100 << 20)
        try FileSystem.writeAtomically(#"{"session_id":"s","transcript_path":"\#(transcript.path)","hook_event_name":"Stop","stop_hook_active":false,"last_assistant_message":"\#(huge)"}"#, to: file)
        let result = try await fixture.stop(payloadFile: file)
        #expect(result.status == 0, "status \(result.status): \(result.stderr.suffix(300))")
        let turn = try #require(try await fixture.turn(id))
        #expect(turn.state == .done && turn.reply == "the whole reply", "\(turn.reply?.prefix(80) ?? "no reply")")
        let stored = try await Ledger(file: fixture.hooks.town.ledgerFile).events(agent: "worker")
        #expect(stored.count == 1 && stored.allSatisfy { $0.payload.utf8.count <= HookPayload.maxBytes })
        #expect(HookEvent(name: .stop, json: stored[0].payload).sessionId == "s")
    }

    @Test func aCutPayloadKeepsOnlyTopLevelFieldsReadWhole() {
        let text = #"{"reply":{"transcript_path":"/nested"},"note":"says \"transcript_path\":\"/quoted\"","session_id":"s1","cwd":"/w","transcript_path":"/t/s.jsonl","prompt":"cut her"#
        let fields = TopLevelFields.strings(in: Array(text.utf8))
        #expect(fields["session_id"] == "s1" && fields["cwd"] == "/w" && fields["transcript_path"] == "/t/s.jsonl")
        #expect(fields["prompt"] == nil)
        let standIn = HookPayload.standIn(forPrefix: Data(text.utf8), limit: 100)
        let event = HookEvent(name: .stop, json: standIn)
        #expect(event.transcriptPath == "/t/s.jsonl" && event.prompt == nil && event.lastAssistantMessage == nil)
    }

    @Test func aTranscriptLineOverItsCapIsSkipped() throws {
        let directory = TemporaryDirectory("gw-transcript-cap")
        let url = directory.path("s.jsonl")
        let long = String(repeating: "y", count: TranscriptAccess.maxLineBytes)
        let lines = [
            #"{"type":"user","message":{"role":"user","content":"hello"},"uuid":"u1"}"#,
            #"{"type":"assistant","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"short"}]},"uuid":"a1"}"#,
            #"{"type":"assistant","message":{"id":"m2","role":"assistant","content":[{"type":"text","text":"\#(long)"}]},"uuid":"a2"}"#,
        ]
        try FileSystem.writeAtomically(lines.joined(separator: "\n") + "\n", to: url)
        #expect(TranscriptReader.lastReply(at: url) == "short")
        let chunk = try TranscriptChunk.read(url, from: 0)
        #expect(chunk.turns.count == 1 && chunk.turns.first?.reply == "short")
    }
}
