import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
@testable import GatewayHooks
@testable import GatewayAgents
@testable import GatewayMemory
@testable import GatewayHeartbeat
import GatewayTestSupport

/// One run of the bad-input scenario against one real town: each trial writes a damaged input where
/// Gateway reads it, runs the real reader, and records in the tally what went wrong.
struct BadInputTrials {
    let town: Town
    let environment: GatewayEnvironment
    let ledger: Ledger
    var mutator: InputMutator
    var tally: FaultTally
    /// A moment a beat is due at, in a fixed zone, so previews render a prompt.
    let moment = Date(timeIntervalSince1970: 1_795_000_000)
    let variables: [String: String] = [BadInputSamples.tokenVariable: BadInputSamples.telegramToken, "WEBHOOK_AUTH": "Bearer hook"]

    /// Payloads recorded in-process, to be read back from the ledger.
    var hookPayloads: [String] = []
    static let hookAgent = "crew-faults"

    var transcriptFile: URL { town.root.appendingPathComponent("transcripts/mutated.jsonl") }

    // MARK: HEARTBEAT.md

    mutating func heartbeat() throws {
        // A third of the files are OpenClaw's kind, with a `tasks:` block.
        let sample = Int.random(in: 0..<3, using: &mutator.random) == 0 ? BadInputSamples.heartbeatTasksBlock : BadInputSamples.heartbeat
        let (bytes, applied) = mutator.mutate(sample, dialect: .markdown)
        count(applied)
        try Data(bytes).write(to: town.heartbeatFile)
        do {
            let document = try HeartbeatDocument.load(from: town.heartbeatFile)
            let preview = HeartbeatPreview.make(
                settings: HeartbeatSettings(), document: document, marks: HeartbeatMarks(lastBeat: moment.addingTimeInterval(-3_600)),
                at: moment, systemZone: TimeZone(identifier: "UTC")!)
            if !document.isEffectivelyEmpty, preview.prompt == nil, preview.skipCode == nil {
                fail("HEARTBEAT.md \(label(applied)): tasks to do, yet no prompt and no skip reason")
            }
        } catch {
            if let problem = BadInputChecks.heartbeatProblem(error.userMessage, bytes: bytes) {
                fail("HEARTBEAT.md \(label(applied)): \(problem)")
            }
        }
    }

    // MARK: gateway.toml

    /// One damaged config read in-process; returns the bytes written, for a sample through the binary.
    @discardableResult
    mutating func config() throws -> [UInt8] {
        let inline = Int.random(in: 0..<4, using: &mutator.random) == 0
        let (bytes, applied) = mutator.mutate(inline ? BadInputSamples.gatewayTomlWithInlineToken : BadInputSamples.gatewayToml, dialect: .toml)
        count(applied)
        try Data(bytes).write(to: town.configFile)
        do {
            let config = try GatewayConfig.load(from: town.configFile)
            let problems = NotifyService.secretProblems(config.notify, town: town, variables: variables)
            let text = problems.map(\.description).joined(separator: "\n")
            if !BadInputChecks.leakedSecrets(text).isEmpty { fail("gateway.toml \(label(applied)): a secret problem shows the secret") }
            if !problems.isEmpty, let problem = BadInputChecks.configProblem(ConfigFailure(problems), file: GatewayConfig.fileName, bytes: bytes) {
                fail("gateway.toml \(label(applied)) secrets: \(problem)")
            }
            let document = try HeartbeatDocument.parse(BadInputSamples.heartbeat)
            _ = HeartbeatPreview.make(settings: config.heartbeat, document: document, marks: HeartbeatMarks(lastBeat: moment.addingTimeInterval(-86_400)),
                                      at: moment, systemZone: TimeZone(identifier: "UTC")!)
        } catch {
            let text = String(describing: error)
            if !BadInputChecks.leakedSecrets(text).isEmpty { fail("gateway.toml \(label(applied)): the error shows a secret: \(text.prefix(300))") }
            guard let failure = error as? ConfigFailure else {
                fail("gateway.toml \(label(applied)): not a config failure: \(text.prefix(300))")
                return bytes
            }
            if let problem = BadInputChecks.configProblem(failure, file: GatewayConfig.fileName, bytes: bytes) {
                fail("gateway.toml \(label(applied)): \(problem.prefix(400))")
            }
        }
        return bytes
    }

    /// Runs the real binary on the damaged config now in the town: `gw config check`, and the
    /// `--json` commands that read it. No crash, a clear error, never a secret.
    mutating func configThroughBinary(_ bytes: [UInt8]) async throws {
        let root = ["--town", town.root.path]
        let check = try await runProduct("gw", ["config", "check"] + root, environment: variables)
        let status = try await runProduct("gw", ["status", "--json"] + root, environment: variables)
        let preview = try await runProduct("gw", ["heartbeat", "dry-run", "--json", "--at", "2026-11-26T09:05"] + root, environment: variables)
        for (name, result) in [("config check", check), ("status --json", status), ("heartbeat dry-run --json", preview)] {
            tally.trials += 1
            if result.status >= 128 { fail("gw \(name) crashed (status \(result.status)): \(result.stderr.suffix(300))") }
            let leaked = BadInputChecks.leakedSecrets(result.stdout, result.stderr)
            if !leaked.isEmpty { fail("gw \(name) printed a secret") }
        }
        if check.status == 0 {
            if !check.stdout.contains("is valid") { fail("gw config check passed without saying so: \(check.stdout.prefix(200))") }
        } else if check.status == ExitStatus.config.rawValue {
            if let problem = BadInputChecks.cliConfigProblem(check.stderr, file: GatewayConfig.fileName, bytes: bytes) {
                fail("gw config check: \(problem.prefix(400))")
            }
        } else if check.status < 128 {
            fail("gw config check exited \(check.status), not 0 or 78: \(check.stderr.prefix(300))")
        }
    }

    // MARK: Hook JSON

    /// One sample hook payload, damaged: its event, the bytes and the mutations applied.
    private mutating func mutatedHookPayload() -> (event: String, bytes: [UInt8], applied: [InputMutation]) {
        let payloads = BadInputSamples.hookPayloads(transcript: transcriptFile.path, cwd: town.mayorDirectory.path)
        let (event, json) = payloads.randomElement(using: &mutator.random)!
        let (bytes, applied) = mutator.mutate(json, dialect: .json)
        count(applied)
        return (event, bytes, applied)
    }

    mutating func hook() async throws {
        let (event, bytes, applied) = mutatedHookPayload()
        let payload = String(decoding: bytes, as: UTF8.self)
        let parsed = HookEvent(name: HookEventName(rawValue: event), json: payload)
        do {
            try await ledger.applyHookEvent(parsed, agent: Self.hookAgent, at: moment)
            // Recorded as sent, a NUL byte (never valid JSON) written as its escape.
            hookPayloads.append(payload.replacingOccurrences(of: "\0", with: "\\u0000"))
        } catch {
            fail("hook \(event) \(label(applied)): recording failed: \(error.userMessage.prefix(300))")
        }
    }

    /// Reads back every payload recorded in-process: each once, as it was sent.
    mutating func checkRecordedHooks() async throws {
        let recorded = try await ledger.events(agent: Self.hookAgent).map(\.payload)
        if recorded.count < hookPayloads.count { tally.lose("hook events: \(hookPayloads.count) sent, \(recorded.count) recorded", count: hookPayloads.count - recorded.count) }
        if recorded.count > hookPayloads.count { tally.duplicate("hook events: \(hookPayloads.count) sent, \(recorded.count) recorded", count: recorded.count - hookPayloads.count) }
        for (sent, stored) in zip(hookPayloads, recorded) where sent != stored {
            fail("hook payload stored altered: \(sent.utf8.count) bytes sent, \(stored.utf8.count) stored")
        }
    }

    /// The real `gw agent-event` with a damaged payload on stdin: it must record the event and exit 0.
    mutating func hookThroughBinary() async throws {
        let (event, bytes, applied) = mutatedHookPayload()
        // A permission request from the Mayor alerts its owner; the sample stays off the network.
        let agent = event == "PermissionRequest" ? "crew-bin" : Hook.mayor
        let before = try await ledger.events(agent: agent).count
        let result = try await LiveProcessRunner().run(Command(
            try builtProduct("gw").path, ["agent-event", event, "--agent", agent, "--town", town.root.path],
            environment: variables, standardInput: Data(bytes)))
        let after = try await ledger.events(agent: agent).count
        if result.status >= 128 { fail("gw agent-event \(event) \(label(applied)) crashed (status \(result.status)): \(result.stderr.suffix(300))") }
        else if result.status != 0 { fail("gw agent-event \(event) \(label(applied)) exited \(result.status): \(result.stderr.prefix(300))") }
        if result.status == 0, after != before + 1 { tally.lose("gw agent-event \(event) \(label(applied)): \(after - before) events recorded, not 1") }
        if !BadInputChecks.leakedSecrets(result.stdout, result.stderr).isEmpty { fail("gw agent-event printed a secret") }
    }

    // MARK: Transcripts

    mutating func transcript() throws {
        let (bytes, applied) = mutator.mutate(BadInputSamples.transcript, dialect: .json)
        count(applied)
        let text = String(decoding: bytes, as: UTF8.self)
        _ = TranscriptReader.lastReply(text)
        for line in InputMutator.lines(bytes) { _ = TranscriptReader.contextTokens(line: Data(line)) }
        try Data(bytes).write(to: transcriptFile)
        let chunk = try TranscriptChunk.read(transcriptFile, from: 0)
        if let problem = Self.sessionLogProblem(chunk.turns) { fail("transcript \(label(applied)): \(problem)") }
    }

    /// The session log of `turns` holds each turn once, and writing the same turns again changes nothing.
    static func sessionLogProblem(_ turns: [SessionTurn]) -> String? {
        let rows = turns.map { (turn: $0, time: "09:00") }
        guard let once = SessionLog.upserting(rows, into: nil, day: "2026-11-26") else { return "no session log written" }
        var expected: [String] = []
        for turn in turns where !expected.contains(turn.key) { expected.append(turn.key) }
        let keys = SessionLog.keys(in: once)
        if keys != expected { return "session log keys \(keys.map { $0.prefix(40) }) differ from the turns' \(expected.map { $0.prefix(40) })" }
        if let again = SessionLog.upserting(rows, into: once, day: "2026-11-26") {
            return "writing the same turns again changed the log (\(SessionLog.keys(in: again).count) blocks, \(expected.count) turns)"
        }
        return nil
    }

    /// The whole extraction (`gw memory extract`'s path) on a damaged transcript: the Mayor's session
    /// logs, read back from its worktree, hold each turn once.
    mutating func transcriptExtraction(_ index: Int) async throws {
        let (bytes, applied) = mutator.mutate(BadInputSamples.transcript, dialect: .json)
        count(applied)
        let file = town.root.appendingPathComponent("transcripts/extract-\(index).jsonl")
        try Data(bytes).write(to: file)
        let config = try town.loadConfig()
        do {
            _ = try await SessionExtractor(environment: environment, town: town, config: config).extract([file])
        } catch {
            fail("extraction \(label(applied)): \(error.userMessage.prefix(300))")
        }
        let folder = town.mayorDirectory.appendingPathComponent("memory/sessions")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let keys = SessionLog.keys(in: try FileSystem.readText(folder.appendingPathComponent(name)))
            if Set(keys).count != keys.count { tally.duplicate("memory/sessions/\(name) holds a turn twice after \(label(applied))") }
        }
    }

    /// Counts a failure; GW_FAULTS_VERBOSE=1 prints every one, not just the tally's first few.
    mutating func fail(_ problem: String) {
        tally.fail(problem)
        if ProcessInfo.processInfo.environment["GW_FAULTS_VERBOSE"] != nil { print("bad-input failure: \(problem.prefix(400))") }
    }

    private func label(_ applied: [InputMutation]) -> String { "[" + applied.map(\.rawValue).joined(separator: ", ") + "]" }

    private mutating func count(_ applied: [InputMutation]) {
        tally.trials += 1
        tally.faults += applied.count
    }
}
