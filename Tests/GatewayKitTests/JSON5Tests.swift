import Foundation
import Testing
@testable import GatewayCore

/// The JSON5 reader: an OpenClaw-style config, each JSON5 feature, each error with its line and column,
/// and hostile input that must neither crash nor hang.
@Suite struct JSON5Tests {
    static let openClawConfig = """
        // OpenClaw config
        {
          agents: { defaults: { workspace: '~/.openclaw/workspace', heartbeat: { every: "30m", activeHours: { start: "08:00", end: "22:00", timezone: "Asia/Shanghai", }, target: 'last', ackMaxChars: 300, }, }, },
          channels: { telegram: { botToken: "123:ABC", dmPolicy: 'pairing', allowFrom: [123456789, ], }, },
        }
        """

    func parseError(_ text: String) -> JSON5Error? {
        do {
            _ = try JSON5.parse(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: The config

    @Test func readsAnOpenClawConfig() throws {
        let config = try JSON5.parse(Self.openClawConfig)
        let defaults = config["agents"]?["defaults"]
        #expect(defaults?["workspace"]?.string == "~/.openclaw/workspace")
        #expect(defaults?["heartbeat"]?["every"]?.string == "30m")
        #expect(defaults?["heartbeat"]?["activeHours"]?["start"]?.string == "08:00")
        #expect(defaults?["heartbeat"]?["activeHours"]?["end"]?.string == "22:00")
        #expect(defaults?["heartbeat"]?["activeHours"]?["timezone"]?.string == "Asia/Shanghai")
        #expect(defaults?["heartbeat"]?["target"]?.string == "last")
        #expect(defaults?["heartbeat"]?["ackMaxChars"]?.int64 == 300)
        let telegram = config["channels"]?["telegram"]
        #expect(telegram?["botToken"]?.string == "123:ABC")
        #expect(telegram?["dmPolicy"]?.string == "pairing")
        #expect(telegram?["allowFrom"]?.array == [.integer(123_456_789)])
        #expect(config["missing"] == nil)
        #expect(config["agents"]?["defaults"]?["workspace"]?["deeper"] == nil)
    }

    @Test func objectsKeepKeysInFileOrder() throws {
        guard case .object(let pairs) = try JSON5.parse("{ zeta: 1, alpha: 2, mid: 3 }") else {
            Issue.record("not an object")
            return
        }
        #expect(pairs.map(\.key) == ["zeta", "alpha", "mid"])
    }

    @Test func theLastDuplicateKeyWinsAndBothAreKept() throws {
        let value = try JSON5.parse("{ a: 1, b: 2, a: 3 }")
        #expect(value["a"] == .integer(3))
        #expect(value == .object([(key: "a", value: .integer(1)), (key: "b", value: .integer(2)), (key: "a", value: .integer(3))]))
        #expect(value != .object([(key: "b", value: .integer(2)), (key: "a", value: .integer(3))]))
    }

    // MARK: Features

    @Test func commentsAreWhitespace() throws {
        let text = """
            /* header */ { // after the brace
              a: /* inline */ 1, // trailing
              /* multi
                 line */ b: [ /* empty */ ],
            } // end, without a newline
            """
        #expect(try JSON5.parse(text) == .object([(key: "a", value: .integer(1)), (key: "b", value: .array([]))]))
        #expect(try JSON5.parse("1 /* ** / * */") == .integer(1))
        #expect(try JSON5.parse("[1, // c\u{2028}2]") == .array([.integer(1), .integer(2)]))
    }

    @Test func trailingCommasAreAllowed() throws {
        #expect(try JSON5.parse("[1, 2, ]") == .array([.integer(1), .integer(2)]))
        #expect(try JSON5.parse("{ a: 1, }") == .object([(key: "a", value: .integer(1))]))
        #expect(try JSON5.parse("[[],{},]") == .array([.array([]), .object([])]))
    }

    @Test func unquotedKeysAreAsciiIdentifiers() throws {
        let value = try JSON5.parse("{ $id: 1, _under: 2, camelCase9: 3, 'single': 4, \"double\": 5, \"with space\": 6 }")
        #expect(value["$id"] == .integer(1))
        #expect(value["_under"] == .integer(2))
        #expect(value["camelCase9"] == .integer(3))
        #expect(value["single"] == .integer(4))
        #expect(value["double"] == .integer(5))
        #expect(value["with space"] == .integer(6))
    }

    @Test(arguments: [
        (#"'single "with" double'"#, #"single "with" double"#),
        (#""double 'with' single""#, "double 'with' single"),
        (#""\n\t\r\b\f\v\0""#, "\n\t\r\u{8}\u{C}\u{B}\0"),
        (#"'\\ \' \" \/'"#, #"\ ' " /"#),
        (#""\u0041\u00e9\u4E2D""#, "Aé中"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\x41\xe9""#, "Aé"),
        ("'one \\\ntwo'", "one two"),
        ("'one \\\r\ntwo'", "one two"),
        ("'one \\\u{2028}two'", "one two"),
        ("'raw \u{2028} and tab\t'", "raw \u{2028} and tab\t"),
        (#""""#, ""),
        ("'中文 ok'", "中文 ok"),
    ])
    func readsStrings(text: String, expected: String) throws {
        #expect(try JSON5.parse(text) == .string(expected))
    }

    @Test(arguments: [
        ("0", JSON5Value.integer(0)),
        ("+1", .integer(1)),
        ("-0", .integer(0)),
        ("-42", .integer(-42)),
        ("9223372036854775807", .integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)),
        (".5", .number(0.5)),
        ("5.", .number(5)),
        ("-.25", .number(-0.25)),
        ("1.5", .number(1.5)),
        ("1e3", .number(1000)),
        ("1.5E-2", .number(0.015)),
        ("+2e+2", .number(200)),
        ("5.e1", .number(50)),
        ("0x1F", .integer(31)),
        ("0XfF", .integer(255)),
        ("-0x10", .integer(-16)),
        ("0x7FFFFFFFFFFFFFFF", .integer(.max)),
        ("-0x8000000000000000", .integer(.min)),
        ("0xFFFFFFFFFFFFFFFF", .number(18_446_744_073_709_551_616)), // 2^64 - 1 rounds to 2^64 as a Double
        ("0x10000000000000000", .number(18_446_744_073_709_551_616)),
        ("Infinity", .number(.infinity)),
        ("+Infinity", .number(.infinity)),
        ("-Infinity", .number(-.infinity)),
        ("NaN", .number(.nan)),
        ("-NaN", .number(.nan)),
        ("1e400", .number(.infinity)),
    ])
    func readsNumbers(text: String, expected: JSON5Value) throws {
        #expect(try JSON5.parse(text) == expected)
    }

    @Test func anyValueMayBeTheTopLevel() throws {
        #expect(try JSON5.parse("true") == .bool(true))
        #expect(try JSON5.parse("false") == .bool(false))
        #expect(try JSON5.parse("null") == .null)
        #expect(try JSON5.parse("'x'") == .string("x"))
        #expect(try JSON5.parse(" 7 ") == .integer(7))
        #expect(try JSON5.parse("[]") == .array([]))
        #expect(try JSON5.parse("{}") == .object([]))
    }

    @Test func unicodeWhitespaceAndTheByteOrderMarkAreSpace() throws {
        #expect(try JSON5.parse("\u{FEFF}{ a: 1 }")["a"] == .integer(1))
        #expect(try JSON5.parse("\u{2028}[\u{2029}1,\u{00A0}2\u{3000}]\u{FEFF}") == .array([.integer(1), .integer(2)]))
        #expect(try JSON5.parse("\u{B}\u{C}\r\n\t null") == .null)
    }

    @Test func accessorsAnswerOnlyForTheirKind() throws {
        #expect(JSON5Value.integer(3).double == 3)
        #expect(JSON5Value.number(3).int64 == 3)
        #expect(JSON5Value.number(3.5).int64 == nil)
        #expect(JSON5Value.number(.nan).int64 == nil)
        #expect(JSON5Value.string("3").int64 == nil)
        #expect(JSON5Value.integer(1).bool == nil)
        #expect(JSON5Value.bool(true).bool == true)
        #expect(JSON5Value.null.string == nil)
        #expect(JSON5Value.array([]).array == [])
        #expect(JSON5Value.array([])["a"] == nil)
        #expect(JSON5Value.integer(1) != .number(1))
    }

    // MARK: Errors

    @Test(arguments: [
        ("{\n  heartbeat: {\n    every: \"30m\"\n    target: 'last'\n  }\n}", 4, 5,
         "expected ',' or '}' after the value of key \"every\", found 't'"),
        ("{ a: \"abc", 1, 6, "unterminated string"),
        ("'abc\\", 1, 1, "unterminated string"),
        ("{ a: 'one\ntwo' }", 1, 10, "unterminated string: a line break before the closing quote (end the line with '\\' to continue the string)"),
        ("{\n /* note\n", 2, 2, "unterminated comment"),
        ("", 1, 1, "empty: the input holds no value, only whitespace or comments"),
        ("  \n // only a comment\n", 3, 1, "empty: the input holds no value, only whitespace or comments"),
        ("/* only a comment */", 1, 21, "empty: the input holds no value, only whitespace or comments"),
        ("[1,,2]", 1, 4, "expected a value, found ','"),
        ("[1 2]", 1, 4, "expected ',' or ']' after an array element, found '2'"),
        ("[1, 2", 1, 6, "expected ',' or ']' after an array element, found the end of the input"),
        ("{a 1}", 1, 4, "expected ':' after the key \"a\", found '1'"),
        ("{1: 2}", 1, 2, "expected a key (a name or a quoted string) or '}', found '1'"),
        ("{ a: 1,, }", 1, 8, "expected a key (a name or a quoted string) or '}', found ','"),
        ("{ a: }", 1, 6, "expected a value, found '}'"),
        ("{} x", 1, 4, "expected the end of the input after the top-level value, found 'x'"),
        ("{ a: yes }", 1, 6, "expected a value, found the word \"yes\" (a string needs quotes)"),
        ("01", 1, 1, "a number may not start with 0 unless it is 0 (hex is written 0x…)"),
        ("12px", 1, 3, "unexpected 'p' after the number"),
        ("1.2.3", 1, 4, "unexpected '.' after the number"),
        ("-", 1, 1, "expected digits in the number"),
        ("+foo", 1, 1, "expected a number after the sign, found the word \"foo\""),
        ("1e", 1, 3, "expected digits in the exponent, found the end of the input"),
        ("0x", 1, 3, "expected hex digits after '0x', found the end of the input"),
        ("/ 1", 1, 1, "expected '//' or '/*' after '/'"),
        ("\"\\q\"", 1, 2, "invalid escape '\\q'"),
        ("\"\\1\"", 1, 2, "invalid escape '\\1'"),
        ("\"\\08\"", 1, 2, "invalid escape '\\0' before a digit"),
        ("\"\\x4\"", 1, 2, "expected 2 hex digits after '\\x'"),
        ("\"\\u12\"", 1, 2, "expected 4 hex digits after '\\u'"),
        ("\"\\é\"", 1, 2, "invalid escape '\\U+00E9'"),
        // Columns count scalars, CRLF is one line break, U+2028 is one too, and a leading BOM takes no column.
        ("{\r\n\r\n  a: ?}", 3, 6, "expected a value, found '?'"),
        ("[1,\u{2028}x]", 2, 1, "expected a value, found the word \"x\" (a string needs quotes)"),
        ("{ \"é\": 1 x }", 1, 10, "expected ',' or '}' after the value of key \"é\", found 'x'"),
        ("\u{FEFF}{ a 1 }", 1, 5, "expected ':' after the key \"a\", found '1'"),
        ("{ a: 1 ✓ }", 1, 8, "expected ',' or '}' after the value of key \"a\", found U+2713"),
    ])
    func reportsErrorsWithLineAndColumn(_ example: (String, Int, Int, String)) {
        let (text, line, column, message) = example
        #expect(parseError(text) == JSON5Error(line: line, column: column, message: message))
    }

    @Test func anErrorDescribesItsPlace() {
        #expect(parseError("[1 2]")?.description == "line 1, column 4: expected ',' or ']' after an array element, found '2'")
    }

    // MARK: Hostile input

    @Test func nestingStopsAt512Levels() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        var value = try JSON5.parse(deepest)
        var depth = 0
        while case .array(let items) = value {
            depth += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(depth == 512)
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(parseError(tooDeep) == JSON5Error(line: 1, column: 513, message: "nesting deeper than 512 levels"))
        // A million opening brackets (objects too) stop at the limit, long before any stack could overflow.
        #expect(parseError(String(repeating: "[", count: 1_000_000))?.column == 513)
        #expect(parseError(String(repeating: "{a:", count: 1_000_000))?.column == 512 * 3 + 1)
    }

    /// 10 MB documents of each shape read in one pass; the time limit catches a quadratic slip
    /// (a quadratic pass over 10 MB takes hours, not seconds).
    @Test(.timeLimit(.minutes(1))) func tenMegabytesReadInLinearTime() throws {
        let record = "{ name: 'agent', every: \"30m\", count: 12345, ratio: 1.5e2, ok: true, list: [0x1F, null,], }, // note\n"
        let records = 10_000_000 / record.utf8.count
        let big = "[\n" + String(repeating: record, count: records) + "]"
        #expect(try JSON5.parse(big).array?.count == records)

        let tenMB = 10_000_000
        #expect(try JSON5.parse("'" + String(repeating: "a\\n", count: tenMB / 3) + "'").string?.utf8.count == tenMB / 3 * 2)
        #expect(try JSON5.parse("/*" + String(repeating: "*", count: tenMB) + "*/ 1") == .integer(1))
        #expect(try JSON5.parse(String(repeating: "// c\n", count: tenMB / 5) + "2") == .integer(2))
        #expect(try JSON5.parse(String(repeating: "9", count: tenMB)) == .number(.infinity))
        #expect(parseError("/*" + String(repeating: "*", count: tenMB)) == JSON5Error(line: 1, column: 1, message: "unterminated comment"))
        #expect(parseError("'" + String(repeating: "x", count: tenMB)) == JSON5Error(line: 1, column: 1, message: "unterminated string"))
        // A 10 MB bare word: the message quotes only its start.
        let word = parseError(String(repeating: "w", count: tenMB))
        #expect(word?.message == "expected a value, found the word \"\(String(repeating: "w", count: 40))…\" (a string needs quotes)")
        // An error at the very end of 10 MB of lines counts them once.
        #expect(parseError(String(repeating: "\n", count: tenMB) + "?") == JSON5Error(line: tenMB + 1, column: 1, message: "expected a value, found '?'"))
    }

    @Test func nulIsRefusedRawAndAllowedEscaped() throws {
        #expect(parseError("\0") == JSON5Error(line: 1, column: 1, message: "expected a value, found U+0000"))
        #expect(parseError("[1]\0") == JSON5Error(line: 1, column: 4, message: "expected the end of the input after the top-level value, found U+0000"))
        #expect(parseError("'a\0b'") == JSON5Error(line: 1, column: 3, message: "control character U+0000 in a string; write it as an escape (\\u00XX)"))
        #expect(parseError("{ a\0: 1 }") == JSON5Error(line: 1, column: 4, message: "expected ':' after the key \"a\", found U+0000"))
        #expect(try JSON5.parse("'a\\u0000b'") == .string("a\0b"))
        #expect(try JSON5.parse("'a\\0b'") == .string("a\0b"))
    }

    /// A lone surrogate is an error (not U+FFFD): a config value silently changed is worse than a refusal.
    @Test(arguments: [
        ("\"\\uD800\"", "lone surrogate \\uD800: a high surrogate must be followed by a low one (\\uDC00–\\uDFFF)"),
        ("\"\\uD800x\"", "lone surrogate \\uD800: a high surrogate must be followed by a low one (\\uDC00–\\uDFFF)"),
        ("\"\\uDBFF\\u0041\"", "lone surrogate \\uDBFF: a high surrogate must be followed by a low one (\\uDC00–\\uDFFF)"),
        ("\"\\uD800\\uD800\"", "lone surrogate \\uD800: a high surrogate must be followed by a low one (\\uDC00–\\uDFFF)"),
        ("\"\\uDC00\"", "lone surrogate \\uDC00: a low surrogate must follow a high one"),
    ])
    func loneSurrogatesAreErrors(text: String, message: String) {
        #expect(parseError(text) == JSON5Error(line: 1, column: 2, message: message))
    }

    @Test func aSurrogatePairCutShortIsAnError() {
        #expect(parseError("\"\\uD83D\\uDE\"") == JSON5Error(line: 1, column: 8, message: "expected 4 hex digits after '\\u'"))
    }

    /// Every prefix of the config, and the config with each character replaced by troublesome ones,
    /// either reads or throws: nothing traps, whatever is cut or changed.
    @Test func mangledConfigsNeverCrash() {
        let scalars = Array(Self.openClawConfig.unicodeScalars)
        var errors = 0
        for end in 0..<scalars.count {
            var prefix = String.UnicodeScalarView()
            prefix.append(contentsOf: scalars[..<end])
            if parseError(String(prefix)) != nil { errors += 1 }
        }
        #expect(errors == scalars.count) // no prefix is a whole document: the closing brace is last
        let replacements: [Unicode.Scalar] = ["\0", "\\", "\"", "'", "/", "*", "{", "[", "]", "}", ",", ":", "\n", "\u{D7FF}", "\u{FEFF}"]
        for index in scalars.indices {
            for replacement in replacements {
                var mangled = scalars
                mangled[index] = replacement
                var text = String.UnicodeScalarView()
                text.append(contentsOf: mangled)
                if let error = parseError(String(text)) {
                    #expect(error.line >= 1 && error.column >= 1)
                }
            }
        }
    }
}
