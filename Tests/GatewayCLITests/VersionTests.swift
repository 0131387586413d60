import Foundation
import Testing
@testable import GatewayCLI
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// `gw --version`: one line naming the release, exit 0, whatever the current folder holds.
@Suite struct VersionTests {
    @Test func versionPrintsTheReleaseAndExitsZero() async throws {
        // No clock and no processes: printing the version needs neither.
        let (environment, output) = GatewayEnvironment.test(workingDirectory: URL(fileURLWithPath: "/"))
        let code = await GatewayMain.execute(arguments: ["--version"], environment: environment)
        #expect(code == 0, "\(output.stderr)")
        #expect(output.stdout == "gw \(GatewayVersion.current)\n")
        #expect(output.stderr.isEmpty)
        #expect(GatewayVersion.current.split(separator: ".").count == 3 && GatewayVersion.current.split(separator: ".").allSatisfy { Int($0) != nil },
                "a MAJOR.MINOR.PATCH release")
    }
}
