import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// `gw doctor`'s checks: all ok on a healthy town, and each fault reported with its fix.
@Suite struct DoctorCheckTests {
    func healthyTown() async throws -> TestTown {
        let fixture = try await TestTown.withLedgerToLose()
        try fixture.configure("[mayor]\nagent = \"sim\"")
        return fixture
    }

    func variables(_ extra: [String: String] = [:]) throws -> [String: String] { ["PATH": try productsFirstOnPath()].merging(extra) { _, new in new } }

    func report(_ result: (code: Int32, stdout: String, stderr: String)) throws -> DoctorReport {
        try JSONDecoder().decode(DoctorReport.self, from: Data(result.stdout.utf8))
    }

    @Test func aHealthyTownIsAllOk() async throws {
        let fixture = try await healthyTown()
        let result = await gw(["doctor", "--json"], in: fixture.town.root, variables: try variables())
        let report = try report(result)
        #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
        #expect(report.findings.filter { $0.status != .ok } == [])
        let checks = Set(report.findings.map(\.check))
        for check in ["ledger", "ledger backups", "hook mayor", "locks", "tmux", "agent settings", "agent cli", "file modes", "secrets"] {
            #expect(checks.contains(check), "no \(check) check in \(checks.sorted())")
        }
        #expect(report.findings.first { $0.check == "agent cli" }?.detail.contains("gw-agent-sim") == true)
        let text = await gw(["doctor"], in: fixture.town.root, variables: try variables())
        #expect(text.code == 0)
        #expect(text.stdout.contains("all \(report.findings.count) checks ok"), "\(text.stdout)")
    }

    @Test func aStaleLockAWorldReadableLedgerAndAMissingSecretAreReportedWithTheirFixes() async throws {
        let fixture = try await healthyTown()
        let town = fixture.town
        try FileSystem.append("""

            [notify.targets.phone]
            kind = "telegram"
            chat_id = 42
            token_env = "GW_DOCTOR_TEST_TOKEN"

            """, to: town.configFile)
        // A git killed mid-commit in the Mayor's hook leaves its index.lock behind.
        let gitDirectory = try await shell("git rev-parse --absolute-git-dir", in: town.mayorDirectory).trimmingCharacters(in: .whitespacesAndNewlines)
        let lock = URL(fileURLWithPath: gitDirectory).appendingPathComponent("index.lock")
        try await shell("touch -d '1 hour ago' \(ShellQuote.word(lock.path)) && chmod 644 .gateway/ledger.sqlite", in: town.root)

        let result = await gw(["doctor", "--json"], in: town.root, variables: try variables())
        #expect(result.code == 1)
        let findings = try report(result).findings
        let stale = try #require(findings.first { $0.check == "locks" })
        #expect(stale.status == .problem)
        #expect(stale.detail.contains(lock.path))
        #expect(stale.fix == "`rm \(ShellQuote.word(lock.path))`")
        let mode = try #require(findings.first { $0.check == "file modes" && $0.detail.contains("ledger.sqlite ") })
        #expect(mode.status == .problem)
        #expect(mode.detail.contains("mode 644"))
        #expect(mode.fix?.contains("chmod 600 \(ShellQuote.word(town.ledgerFile.path))") == true)
        let secret = try #require(findings.first { $0.check == "secret notify.targets.phone.token_env" })
        #expect(secret.status == .problem)
        #expect(secret.detail.contains("GW_DOCTOR_TEST_TOKEN is not set"))
        #expect(secret.detail.contains("systemd or launchd service does not inherit"))
        #expect(secret.fix?.contains("token_file = \"PATH\"") == true)

        // --repair removes the stale lock and makes the ledger owner-only again.
        let repaired = await gw(["doctor", "--repair", "--json"], in: town.root, variables: try variables())
        let after = try report(repaired)
        #expect(after.repairs.contains("removed \(lock.path), left by a git process that is gone"))
        #expect(after.repairs.contains("\(town.ledgerFile.path): mode 644 → 600"))
        #expect(after.findings.first { $0.check == "locks" }?.status == .ok)
        #expect(!after.findings.contains { $0.check == "file modes" && $0.status != .ok })
        #expect(!FileSystem.exists(lock))

        // A fresh lock belongs to a git at work: not reported.
        try await shell("touch \(ShellQuote.word(lock.path))", in: town.root)
        let fresh = try report(await gw(["doctor", "--json"], in: town.root, variables: try variables()))
        #expect(fresh.findings.first { $0.check == "locks" }?.status == .ok)
    }

    @Test func theJSONNeverHoldsASecretValue() async throws {
        let fixture = try await healthyTown()
        let secretValue = "123456:SECRET-doctor-token-value"
        let tokenFile = fixture.directory.path("mail-password")
        try FileSystem.writeAtomically("SECRET-mail-password\n", to: tokenFile, permissions: 0o644)
        try FileSystem.append("""

            [notify.targets.phone]
            kind = "telegram"
            chat_id = 42
            token_env = "GW_DOCTOR_TEST_TOKEN"

            [notify.targets.mail]
            kind = "email"
            host = "smtp.example.com"
            username = "me"
            password_file = "\(tokenFile.path)"
            from = "gw@example.com"
            to = ["me@example.com"]

            """, to: fixture.town.configFile)
        for arguments in [["doctor", "--json"], ["doctor"]] {
            let result = await gw(arguments, in: fixture.town.root, variables: try variables(["GW_DOCTOR_TEST_TOKEN": secretValue]))
            let all = result.stdout + result.stderr
            #expect(!all.contains("SECRET"), "\(all)")
            #expect(all.contains("GW_DOCTOR_TEST_TOKEN"))
            #expect(all.contains("chmod 600 \(tokenFile.path)"))
        }
    }
}
