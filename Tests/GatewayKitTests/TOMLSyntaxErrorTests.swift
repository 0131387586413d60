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

/// Table headers the bundled TOML parser asserts on are refused before it sees them.
@Suite("TOML headers the parser cannot take")
struct TOMLPreflightTests {
    @Test("a header starting with a character no bare key starts with is a syntax problem, not an abort",
          arguments: ["[通知]", "[=x]", "[#x]", "[[ é ]]", "[\u{85}x]", "[\u{1}x]"])
    func badHeaderStart(header: String) {
        let problems = TOMLSyntaxErrorTests.problems("[town]\nname = \"a\"\n\(header)\nkind = 1\n")
        #expect(problems == ["gateway.toml:3: not valid TOML: a table name may use only letters A-Z and a-z, digits, _ and -: write it like [notify], or quote any other name, like [\"通知\"]"])
    }

    @Test("a header cut off at the end of its line is a syntax problem, not an abort", arguments: ["[", "[[", "[ ", "[\rheartbeat]"])
    func headerCutOff(header: String) {
        let problems = TOMLSyntaxErrorTests.problems("[town]\n\(header)\nname = \"a\"\n")
        #expect(problems == ["gateway.toml:2: not valid TOML: a table header needs its name and closing bracket on the same line, like [notify]"])
    }

    @Test("brackets inside arrays and multi-line strings are not headers")
    func bracketsThatAreNotHeaders() throws {
        let text = """
            [heartbeat]
            prompt = \"\"\"
            [{{time}}] Heartbeat.
            {{tasks}}
            \"\"\"
            notify = [
              "phone",
            ]

            ["town"]
            name = "a"
            """
        let config = try GatewayConfig.parse(text)
        #expect(config.heartbeat.notify == ["phone"])
        #expect(config.town.name == "a")
    }
}
