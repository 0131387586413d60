import Foundation
import Logging
import Testing
@testable import GatewayCLI
@testable import GatewayKit
@testable import GatewayCore

/// `gw --version`: one line naming the release, exit 0, whatever the current folder holds.
@Suite struct VersionTests {
    @Test func versionPrintsTheReleaseAndExitsZero() async throws {
        let output = CapturedOutput()
        let environment = GatewayEnvironment(
            processes: LiveProcessRunner(), clock: ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000)), output: output,
            logger: Logger(label: "gw-test") { _ in SwiftLogNoOpLogHandler() },
            variables: [:], workingDirectory: URL(fileURLWithPath: "/"))
        let code = await GatewayMain.execute(arguments: ["--version"], environment: environment)
        #expect(code == 0, "\(output.stderr)")
        #expect(output.stdout == "gw \(GatewayVersion.current)\n")
        #expect(output.stderr.isEmpty)
        #expect(GatewayVersion.current.split(separator: ".").count == 3 && GatewayVersion.current.split(separator: ".").allSatisfy { Int($0) != nil },
                "a MAJOR.MINOR.PATCH release")
    }
}
