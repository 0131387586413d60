import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

@Suite struct ProductSmokeTests {
    @Test func gwPrintsHelpAndUsageErrorsExitTwo() async throws {
        let help = try await runProduct("gw", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("install"))
        let bad = try await runProduct("gw", ["no-such-command"])
        #expect(bad.status == 2)
    }
}
