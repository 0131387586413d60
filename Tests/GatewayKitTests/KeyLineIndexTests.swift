import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Config problems name their line however the file was saved and however its tables were spelled.
@Suite("Config problem lines")
struct KeyLineIndexTests {
    static func problems(_ text: String) -> [ConfigProblem] {
        guard case .failure(let failure) = Result(catching: { () throws(ConfigFailure) in try GatewayConfig.parse(text) }) else { return [] }
        return failure.problems
    }

    @Test("a file saved with CRLF line ends (and a byte-order mark) still names the line")
    func windowsLineEnds() {
        let problems = Self.problems("\u{FEFF}[town]\r\nname = \"a\"\r\n\r\n[heartbeat]\r\nevery = 30\r\n")
        #expect(problems.map(\.description) == ["gateway.toml:5: heartbeat.every: expected a string, found an integer"])
    }

    @Test("an unknown section spelled only as a nested header names that header's line")
    func unknownNestedSection() {
        let problems = Self.problems("[town]\nname = \"a\"\n\n[notfy.targets.phone]\nkind = \"console\"\n")
        #expect(problems.first?.line == 4)
        #expect(problems.first?.key == "notfy")
    }

    @Test("an unknown key written dotted names its line")
    func unknownDottedKey() {
        let problems = Self.problems("[town]\nname = \"a\"\nlocal.colour.shade = \"red\"\n")
        #expect(problems.map(\.description).first?.hasPrefix("gateway.toml:3: town.local: unknown key") == true)
    }
}
