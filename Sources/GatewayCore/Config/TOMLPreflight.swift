/// Checks TOML text for the mistakes the bundled parser (toml++ 3.4, through TOMLKit) does not survive,
/// before handing it over: a NUL byte ends its C string there, silently dropping the rest of the file,
/// and a table header whose name starts with anything but a bare-key character or a quote (`[通知]`,
/// `[=x]`, `[\r…]`) fails an assertion inside it — an abort in debug builds, undefined behaviour in
/// release ones. Both are reported as ordinary syntax problems with their line.
///
/// It also bounds what the parser and the conversion after it walk recursively: a dotted key of
/// 20,000 parts overflows the stack (the process dies with SIGSEGV, no message), and deep nesting
/// costs the same way. No Gateway setting is deeper than a few levels, so the limits are generous.
enum TOMLPreflight {
    /// Parts of one dotted key or table name (`agents.claude.env.X` has 4).
    static let maxKeyParts = 32
    /// Arrays and inline tables open inside each other in one value.
    static let maxNesting = 32

    struct Problem: Equatable {
        var line: Int
        var message: String
    }

    static func problem(in text: String) -> Problem? {
        var scanner = Scanner(Array(text.unicodeScalars))
        return scanner.run()
    }

    /// A small tokenizer that knows just enough TOML to tell a table header from a `[` inside an array
    /// value or a multi-line string.
    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        /// Open `[` and `{` of values: a line starting with `[` inside them is an array, not a header.
        var open: [Unicode.Scalar] = []
        /// Between the start of a key and its `=`, counting the parts of a dotted key.
        var inKey = false
        var keyParts = 1

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func run() -> Problem? {
            if let nul = scalars.firstIndex(of: "\0") {
                let line = scalars[..<nul].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                return Problem(line: line, message: "the line holds a NUL byte (the file may be damaged): remove it")
            }
            var atLineStart = true
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == "\n" {
                    line += 1
                    atLineStart = true
                    index += 1
                    continue
                }
                if atLineStart, scalar == " " || scalar == "\t" {
                    index += 1
                    continue
                }
                defer { atLineStart = false }
                if atLineStart, open.isEmpty, scalar == "[" {
                    if let problem = header() { return problem }
                    continue
                }
                if atLineStart, open.isEmpty, scalar != "#" { startKey() }
                switch scalar {
                case "#": skipLine()
                case "\"", "'": skipString(quote: scalar)
                case "=": inKey = false; index += 1
                case ".":
                    if inKey {
                        keyParts += 1
                        if keyParts > TOMLPreflight.maxKeyParts { return Self.longKey(line: line) }
                    }
                    index += 1
                case "[", "{":
                    open.append(scalar)
                    if open.count > TOMLPreflight.maxNesting {
                        return Problem(line: line, message: "values are nested more than \(TOMLPreflight.maxNesting) arrays or tables deep: nest fewer inside each other")
                    }
                    inKey = false
                    if scalar == "{" { startKey() }
                    index += 1
                case "]", "}": _ = open.popLast(); index += 1
                case ",":
                    if open.last == "{" { startKey() }
                    index += 1
                default: index += 1
                }
            }
            return nil
        }

        /// A key starts: at a line's start outside values, after `{` or a `,` of an inline table.
        private mutating func startKey() {
            inKey = true
            keyParts = 1
        }

        static func longKey(line: Int) -> Problem {
            Problem(line: line, message: "a dotted key or table name has more than \(TOMLPreflight.maxKeyParts) parts: use fewer, like agents.claude.env")
        }

        /// `[name]` or `[[name]]`: the name must start with a bare-key character or a quote.
        private mutating func header() -> Problem? {
            var position = index + 1
            if position < scalars.count, scalars[position] == "[" { position += 1 }
            while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
            if position < scalars.count {
                let first = scalars[position]
                let bare = first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first) || first == "_" || first == "-")
                if first == "\n" || first == "\r" {
                    return Problem(line: line, message: "a table header needs its name and closing bracket on the same line, like [notify]")
                }
                if !bare, first != "\"", first != "'", first != "]" {
                    return Problem(line: line, message: "a table name may use only letters A-Z and a-z, digits, _ and -: "
                        + "write it like [notify], or quote any other name, like [\"通知\"]")
                }
            }
            // The name's parts: dots outside its quoted parts, up to the closing bracket.
            var parts = 1
            index = position
            while index < scalars.count, scalars[index] != "\n", scalars[index] != "]" {
                switch scalars[index] {
                case "\"", "'": skipString(quote: scalars[index])
                case ".":
                    parts += 1
                    if parts > TOMLPreflight.maxKeyParts { return Self.longKey(line: line) }
                    index += 1
                default: index += 1
                }
            }
            skipLine()
            return nil
        }

        private mutating func skipLine() {
            while index < scalars.count, scalars[index] != "\n" { index += 1 }
        }

        /// Skips a basic or literal string, single- or multi-line, counting the lines it spans.
        private mutating func skipString(quote: Unicode.Scalar) {
            let multiline = index + 2 < scalars.count && scalars[index + 1] == quote && scalars[index + 2] == quote
            index += multiline ? 3 : 1
            while index < scalars.count {
                let scalar = scalars[index]
                if quote == "\"", scalar == "\\" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\n" { line += 1 }
                    index += 2
                    continue
                }
                if scalar == "\n" {
                    guard multiline else { return }  // an unclosed one-line string: the parser reports it
                    line += 1
                } else if scalar == quote {
                    if !multiline {
                        index += 1
                        return
                    }
                    if index + 2 < scalars.count, scalars[index + 1] == quote, scalars[index + 2] == quote {
                        index += 3
                        // Up to two more quotes may close a multi-line string ("""a""""" ends in two quotes).
                        while index < scalars.count, scalars[index] == quote { index += 1 }
                        return
                    }
                }
                index += 1
            }
        }
    }
}
