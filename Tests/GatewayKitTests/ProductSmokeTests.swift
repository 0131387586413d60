import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

@Suite struct ProductSmokeTests {
    @Test func gwPrintsHelpAndUsageErrorsExitTwo() throws {
        let help = try runProduct("gw", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("install"))
        let bad = try runProduct("gw", ["no-such-command"])
        #expect(bad.status == 2)
    }
}
