import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

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

/// What the parser walks recursively is bounded before it runs: a config that would overflow the
/// stack (the process killed by SIGSEGV, exit 139, no message) is a syntax problem with its line.
@Suite struct TOMLDepthTests {
    func check(_ text: String) async throws -> ProcessResult {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        try FileSystem.writeAtomically(text, to: town.configFile)
        return try await runProduct("gw", ["config", "check", "--town", town.root.path])
    }

    @Test func aDottedKeyOfTwentyThousandPartsIsRefusedWithItsLine() async throws {
        let key = (0..<20_000).map { "k\($0)" }.joined(separator: ".")
        let result = try await check("[town]\nname = \"gt\"\n\n\(key) = 1\n")
        #expect(result.status == 78, "\(result.status): \(result.stderr)")
        #expect(result.stderr.contains("gateway.toml:4: not valid TOML: a dotted key or table name has more than 32 parts"), "\(result.stderr)")
    }

    @Test func aLongTableNameAndDeepValuesAreRefusedWithTheirLines() {
        let header = "[" + (0..<40).map { "t\($0)" }.joined(separator: ".") + "]\n"
        #expect(TOMLSyntaxErrorTests.problems("[town]\n" + header) == [
            "gateway.toml:2: not valid TOML: a dotted key or table name has more than 32 parts: use fewer, like agents.claude.env",
        ])
        let deep = "x = " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
        #expect(TOMLSyntaxErrorTests.problems("[town]\nname = \"gt\"\n" + deep) == [
            "gateway.toml:3: not valid TOML: values are nested more than 32 arrays or tables deep: nest fewer inside each other",
        ])
        let inline = "y = { " + String(repeating: "a = { ", count: 40) + "b = 1" + String(repeating: " }", count: 41) + "\n"
        #expect(TOMLSyntaxErrorTests.problems(inline).first?.contains("nested more than 32") == true)
    }

    @Test func dotsInValuesStringsAndQuotedKeysAreNotKeyParts() {
        let numbers = "[town]\nname = \"a.b.c\"\n\n[heartbeat]\nevery = \"1h\"\n"
            + "# a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h\n"
        #expect(TOMLSyntaxErrorTests.problems(numbers) == [])
        let quoted = "[agents.claude]\nenv = { \"" + String(repeating: "a.", count: 40) + "\" = \"v\" }\n"
        #expect(TOMLSyntaxErrorTests.problems(quoted).allSatisfy { !$0.contains("parts") })
        let floats = "x = [" + (0..<100).map { "\($0).5" }.joined(separator: ", ") + "]\n"
        #expect(TOMLSyntaxErrorTests.problems(floats).allSatisfy { !$0.contains("parts") })
    }
}
