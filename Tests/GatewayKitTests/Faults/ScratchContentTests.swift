import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

struct ScratchContentTests {
    @Test func show() {
        var samples = ContentSamples(generator: SeededGenerator(seed: 13406192511330829431))
        for index in 0..<6 { print("SAMPLE \(index):", samples.prompt(index).debugDescription) }
    }
}
