import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Fault scenario 8: thousands of damaged HEARTBEAT.md files, gateway.toml files, hook payloads and
/// transcript lines — flipped bytes, truncation, lost and doubled lines, invalid UTF-8, NUL bytes,
/// CRLF, byte-order marks, huge values, wrong types, deep nesting, unknown and duplicate keys. Gateway
/// must never crash (a trap ends the whole test run), must reject what it cannot read with an error
/// naming the file, the line and the fix, and must never print the Telegram token or the SMTP
/// password the config refers to. A damaged input Gateway still accepts is a trial, not a failure.
@Suite("Fault: bad input")
struct FaultBadInputTests {
    @Test("damaged HEARTBEAT.md, gateway.toml, hook JSON and transcripts: no crash, clear errors, no secret printed")
    func badInput() async throws {
        let perKind = FaultPlan.trials(short: 80, full: 3_000)
        let throughBinary = FaultPlan.trials(short: 3, full: 40)
        let random = FaultPlan.generator()
        var tally = FaultTally("bad-input")
        tally.seed = random.seed
        // A trap ends the process before the tally prints: the seed printed first replays the run.
        print("bad-input: seed \(random.seed) (replay with GW_FAULTS_SEED=\(random.seed))")

        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        let secretFile = town.root.appendingPathComponent(BadInputSamples.passwordFile)
        try FileManager.default.createDirectory(at: secretFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileSystem.writeAtomically(BadInputSamples.smtpPassword + "\n", to: secretFile, permissions: 0o600)
        try FileManager.default.createDirectory(at: town.root.appendingPathComponent("transcripts"), withIntermediateDirectories: true)
        try FileSystem.writeAtomically(BadInputSamples.gatewayToml, to: town.configFile)
        let (environment, _) = GatewayEnvironment.test(workingDirectory: town.root, variables: [BadInputSamples.tokenVariable: BadInputSamples.telegramToken], clock: .live, processes: .live)

        var trials = BadInputTrials(
            town: town, environment: environment, ledger: try Ledger(file: town.ledgerFile),
            mutator: InputMutator(random: random, hugeLength: FaultPlan.isFull ? 100_000 : 20_000), tally: tally)

        // The sample config itself is valid and `gw config check` says so, without the secrets.
        let clean = try await runProduct("gw", ["config", "check", "--town", town.root.path], environment: trials.variables)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(BadInputChecks.leakedSecrets(clean.stdout, clean.stderr).isEmpty)

        // Thousands of synchronous trials: yield between them, so the other suites running beside
        // this one keep their share of Swift's few threads.
        for _ in 0..<perKind { try trials.heartbeat(); await Task.yield() }
        try FileSystem.writeAtomically(BadInputSamples.heartbeat, to: town.heartbeatFile)

        for _ in 0..<perKind { try trials.transcript(); await Task.yield() }
        for index in 0..<throughBinary { try await trials.transcriptExtraction(index) }

        try FileSystem.writeAtomically(BadInputSamples.transcript, to: trials.transcriptFile)
        for _ in 0..<perKind { try await trials.hook() }
        try await trials.checkRecordedHooks()
        for _ in 0..<throughBinary { try await trials.hookThroughBinary() }

        let binaryEvery = max(1, perKind / throughBinary)
        for index in 0..<perKind {
            let bytes = try trials.config()
            if index % binaryEvery == 0 { try await trials.configThroughBinary(bytes) }
            await Task.yield()
        }
        try FileSystem.writeAtomically(BadInputSamples.gatewayToml, to: town.configFile)

        trials.tally.finish()
    }
}
