import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The test support's own promises: an environment given no clock or process runner fails the test
/// that uses it instead of reaching the real world.
@Suite struct TestSupportTests {
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
}
