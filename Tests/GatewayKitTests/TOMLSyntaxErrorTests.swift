import Foundation
import Testing
@testable import GatewayKit

/// A gateway.toml that is not valid TOML names the line and says what to do about it.
@Suite("TOML syntax errors")
struct TOMLSyntaxErrorTests {
    static func problems(_ text: String) -> [String] {
        guard case .failure(let failure) = Result(catching: { () throws(ConfigFailure) in try GatewayConfig.parse(text) }) else { return [] }
        return failure.problems.map(\.description)
    }

    @Test("a NUL byte is refused with its line instead of silently ending the file there")
    func nulByte() {
        // Before, the parser stopped at the NUL and the [heartbeat] below was dropped without a word.
        let problems = Self.problems("[town]\nname = \"a\"\n# a note\0\n[heartbeat]\nevery = \"1h\"\n")
        #expect(problems == ["gateway.toml:3: not valid TOML: the line holds a NUL byte (the file may be damaged): remove it"])
    }

    @Test("a key given twice says to keep one")
    func duplicateKey() {
        let problems = Self.problems("[heartbeat]\nevery = \"1h\"\nevery = \"2h\"\n")
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("gateway.toml:3: not valid TOML: ") == true)
        #expect(problems.first?.hasSuffix(": a key or table is defined twice: keep one") == true)
    }

    @Test("other syntax errors say what to check on the line")
    func unterminatedString() {
        let problems = Self.problems("[town]\nname = \"unterminated\n")
        #expect(problems.first?.hasPrefix("gateway.toml:2: not valid TOML: ") == true)
        #expect(problems.first?.hasSuffix(": check the syntax on that line: quoted strings, closed brackets, one key = value per line") == true)
    }

    @Test("a number too big for 64 bits says to write a smaller one")
    func hugeNumber() {
        let problems = Self.problems("[memory]\nprime_budget = 99999999999999999999\n")
        #expect(problems.first?.hasSuffix("write a smaller number") == true)
    }
}
