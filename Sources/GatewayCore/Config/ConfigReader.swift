import Foundation

/// Reads one table of a config file into typed values, collecting every problem with its file, line
/// and key instead of stopping at the first. Keys nobody asked for are reported as unknown by `finish()`.
public final class TableReader {
    public let path: [String]
    private let values: [String: TOMLNode]
    private let context: Context
    private var used: Set<String> = []

    final class Context {
        let file: String
        private let source: String
        /// Built when first asked, for a problem's line: scanning every line costs a command that reads
        /// a sound config more than parsing it does.
        lazy var index = KeyLineIndex(source: source)
        var problems: [ConfigProblem] = []
        init(file: String, source: String) {
            self.file = file
            self.source = source
        }
    }

    /// A reader for a whole file's top-level table.
    public convenience init(root: [String: TOMLNode], file: String, source: String) {
        self.init(path: [], values: root, context: Context(file: file, source: source))
    }

    init(path: [String], values: [String: TOMLNode], context: Context) {
        self.path = path
        self.values = values
        self.context = context
    }

    public var problems: [ConfigProblem] { context.problems }
    public var file: String { context.file }
    public var keys: [String] { values.keys.sorted() }
    /// The line of this table's header (or of its nearest enclosing one).
    public var line: Int? { context.index.line(of: path) }
    /// The file's key index, for problems found after reading (built once per file: it scans every line).
    package var lineIndex: KeyLineIndex { context.index }

    /// The dotted name of `key` under this table, as errors print it.
    public func name(_ key: String) -> String { (path + [key]).joined(separator: ".") }

    public func problem(_ key: String?, _ message: String) {
        let full = key.map { path + [$0] } ?? path
        context.problems.append(ConfigProblem(
            file: context.file, line: context.index.line(of: full),
            key: full.isEmpty ? nil : full.joined(separator: "."), message: message))
    }

    private func value(_ key: String) -> TOMLNode? {
        used.insert(key)
        return values[key]
    }

    private func typed<T>(_ key: String, _ expected: String, _ extract: (TOMLNode) -> T?) -> T? {
        guard let node = value(key) else { return nil }
        if let result = extract(node) { return result }
        problem(key, "expected \(expected), found \(node.typeName)")
        return nil
    }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The value of `key` as parsed, marked as read, for keys that accept more than one type.
    @discardableResult
    public func node(_ key: String) -> TOMLNode? { value(key) }

    /// The line that defines `key` under this table, for problems found after reading (a secret file's mode).
    public func line(_ key: String) -> Int? { context.index.line(of: path + [key]) }

    public func string(_ key: String) -> String? {
        typed(key, "a string") { if case .string(let s) = $0 { s } else { nil } }
    }

    public func string(_ key: String, default fallback: String) -> String { string(key) ?? fallback }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String], default fallback: String) -> String {
        guard let text = string(key) else { return fallback }
        guard choices.contains(text) else {
            problem(key, "must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(text)\"")
            return fallback
        }
        return text
    }

    public func bool(_ key: String, default fallback: Bool) -> Bool {
        typed(key, "true or false") { if case .bool(let b) = $0 { b } else { nil } } ?? fallback
    }

    public func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>? = nil) -> Int {
        guard let number = typed(key, "an integer", { if case .integer(let i) = $0 { i } else { nil } }) else { return fallback }
        if let range, !range.contains(number) {
            problem(key, "must be between \(range.lowerBound) and \(range.upperBound), not \(number)")
            return fallback
        }
        return number
    }

    public func double(_ key: String, default fallback: Double, range: ClosedRange<Double>? = nil) -> Double {
        let number = typed(key, "a number") { node -> Double? in
            switch node {
            case .double(let d): d
            case .integer(let i): Double(i)
            default: nil
            }
        }
        guard let number else { return fallback }
        if let range, !range.contains(number) {
            problem(key, "must be between \(range.lowerBound) and \(range.upperBound), not \(number)")
            return fallback
        }
        return number
    }

    /// An http(s) URL; the default when absent, a problem (and the default) when it is not one.
    public func httpURL(_ key: String, default fallback: String) -> String {
        let text = string(key, default: fallback)
        guard URL(string: text)?.scheme.map({ ["http", "https"].contains($0.lowercased()) }) == true else {
            problem(key, "\"\(text)\" is not an http(s) URL, like \"\(fallback)\"")
            return fallback
        }
        return text
    }

    public func stringArray(_ key: String, default fallback: [String] = []) -> [String] {
        guard let node = value(key) else { return fallback }
        if case .string(let single) = node { return [single] }
        guard case .array(let items) = node else {
            problem(key, "expected an array of strings, found \(node.typeName)")
            return fallback
        }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                problem(key, "expected an array of strings, found an element that is \(item.typeName)")
                return fallback
            }
            result.append(text)
        }
        return result
    }

    /// A duration such as `30m`; `allowOff` also accepts `"off"`, returned as nil.
    public func duration(_ key: String, default fallback: ConfigDuration?, allowOff: Bool = false, minimum: ConfigDuration? = nil) -> ConfigDuration? {
        guard let text = string(key) else { return fallback }
        if allowOff, text.lowercased() == "off" { return nil }
        let duration: ConfigDuration
        switch ConfigDuration.parse(text) {
        case .success(let value):
            duration = value
        case .failure(.tooLong):
            problem(key, "\"\(text)\" is longer than 100 years: write a shorter duration, like \"30d\"")
            return fallback
        case .failure(.notADuration):
            let off = allowOff ? ", or \"off\"" : ""
            problem(key, "\"\(text)\" is not a duration: write a number and a unit, like \"30s\", \"30m\", \"2h\" or \"1d\"\(off)")
            return fallback
        }
        if let minimum, duration < minimum {
            problem(key, "must be at least \(minimum), not \(duration)")
            return fallback
        }
        return duration
    }

    public func duration(_ key: String, default fallback: ConfigDuration) -> ConfigDuration {
        duration(key, default: Optional(fallback)) ?? fallback
    }

    public func clockTime(_ key: String) -> ClockTime? {
        guard let text = string(key) else { return nil }
        guard let time = ClockTime(parsing: text) else {
            problem(key, "\"\(text)\" is not a clock time: write HH:MM from \"00:00\" to \"24:00\", like \"08:00\"")
            return nil
        }
        return time
    }

    /// An IANA time zone name such as `Asia/Shanghai`.
    public func timeZone(_ key: String) -> TimeZone? {
        guard let text = string(key) else { return nil }
        guard let zone = TimeZone(identifier: text), text.contains("/") || text == "UTC" || text == "GMT" else {
            problem(key, "\"\(text)\" is not a known IANA time zone: write one like \"Asia/Shanghai\", \"Europe/Berlin\" or \"UTC\"")
            return nil
        }
        return zone
    }

    /// A sub-table; nil when absent (or the wrong type, which is reported).
    public func table(_ key: String) -> TableReader? {
        guard let node = value(key) else { return nil }
        guard case .table(let inner) = node else {
            problem(key, "expected a table, found \(node.typeName)")
            return nil
        }
        return TableReader(path: path + [key], values: inner, context: context)
    }

    /// Every entry of a table whose keys are names the user chooses (`[agents.NAME]`).
    public func namedTables(_ key: String) -> [(name: String, reader: TableReader)] {
        guard let outer = table(key) else { return [] }
        var result: [(String, TableReader)] = []
        for name in outer.keys {
            if let inner = outer.table(name) { result.append((name, inner)) }
        }
        return result
    }

    /// Every table of an array of tables (`[[steps]]`), each reading under `key.N` so lines resolve.
    public func tables(_ key: String) -> [TableReader] {
        guard let node = value(key) else { return [] }
        guard case .array(let items) = node else {
            problem(key, "expected an array of tables (write each as [[\(name(key))]]), found \(node.typeName)")
            return []
        }
        var result: [TableReader] = []
        for (index, item) in items.enumerated() {
            guard case .table(let inner) = item else {
                problem(key, "expected an array of tables (write each as [[\(name(key))]]), found an element that is \(item.typeName)")
                return []
            }
            result.append(TableReader(path: path + [key, "\(index)"], values: inner, context: context))
        }
        return result
    }

    /// Reports every key of this table that no reader asked for.
    public func finish() {
        for key in values.keys.sorted() where !used.contains(key) {
            let known = used.sorted()
            let hint = known.isEmpty ? "this table takes no keys" : "known keys here: \(known.joined(separator: ", "))"
            problem(key, "unknown key (\(hint))")
        }
    }
}
