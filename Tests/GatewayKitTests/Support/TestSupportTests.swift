import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The test support's own promises: a test town's config stays valid TOML however it is composed, and
/// an environment given no clock, process runner or HTTP client fails the test that uses it instead of
/// reaching the real world.
@Suite struct TestSupportTests {
    private static let installed = TownTemplates.gatewayToml(name: "town")

    @Test func configIsMergedTableByTableIntoTheInstalledFile() throws {
        let merged = try TownConfigEdit.merge("""
            [mayor]
            agent = "sim"

            [notify.targets.term]
            kind = "console"

            [town]
            name = "renamed"

            [mayor]
            agent = "claude"
            submit_timeout = "3s"
            """, into: Self.installed)
        let config = try GatewayConfig.parse(merged)
        #expect(config.town.name == "renamed")
        #expect(config.mayor.agent == "claude", "a later line for a key wins")
        #expect(config.mayor.submitTimeout == .seconds(3))
        #expect(Array(config.notify.targets.keys) == ["term"])
        #expect(merged.components(separatedBy: "\n[mayor]\n").count == 2, "one [mayor] table")
        // The installed file's commented defaults stay, so the file still reads as gw install wrote it.
        let comments = Self.installed.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(comments.allSatisfy { merged.contains($0) })
    }

    @Test func aSettingOutsideATableIsRefused() {
        #expect(throws: GatewayError.self) { try TownConfigEdit.merge("agent = \"sim\"\n[mayor]\n", into: Self.installed) }
    }

    @Test func anEnvironmentGivenNoClockFailsTheTestThatReadsIt() {
        let (environment, _) = GatewayEnvironment.test(workingDirectory: URL(fileURLWithPath: "/"), processes: .live)
        withKnownIssue {
            _ = environment.clock.now()
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("clock: .live") }
        }
    }

    @Test func anEnvironmentGivenNoProcessRunnerStartsNothing() async throws {
        let folder = TemporaryDirectory()
        let marker = folder.path("ran")
        let (environment, _) = GatewayEnvironment.test(workingDirectory: folder.url, clock: .live)
        await withKnownIssue {
            await #expect(throws: GatewayError.self) {
                try await environment.processes.run(Command("/bin/sh", ["-c", "touch '\(marker.path)'"]))
            }
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("processes: .live") }
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func anEnvironmentGivenNoHTTPClientSendsNothing() async throws {
        let (environment, _) = GatewayEnvironment.test(workingDirectory: URL(fileURLWithPath: "/"), clock: .live, processes: .live)
        let request = HTTPClientRequest(url: URL(string: "http://127.0.0.1:9/")!, method: "POST", headers: [:], body: Data(), timeout: 1)
        await withKnownIssue {
            await #expect(throws: GatewayError.self) { try await environment.http.send(request) }
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("http: .live") }
        }
    }
}
