import Foundation

/// The structured `tasks:` block a HEARTBEAT.md may open with, read natively so a file written for
/// another agent runner needs no rewriting:
///
/// ```
/// tasks:
/// - name: inbox-triage
///   interval: 30m
///   prompt: "Check for urgent unread messages."
/// ```
///
/// Each entry is a task: `name` its name, `interval` its schedule (`every 30m`), `prompt` its one
/// step. Only this much YAML is read — a list of `key: value` entries whose values are plain, quoted
/// with `"` or `'`, or block scalars (`|`, `>`) — because that is all the format uses, and a real YAML
/// parser would accept far more than Gateway can act on. Everything after the block is the notes.
struct TasksBlock {
    static let keys = ["name", "interval", "prompt"]

    /// What the file's first line says: `tasks:` opens a block, `tasks: []` says there are no tasks.
    enum Opening { case block, empty }

    let file: String
    /// Every line of the file; line `n` is `lines[n - 1]`.
    let lines: [Substring]
    var problems: [HeartbeatProblem] = []

    private struct Field {
        var key: String
        var value: String
        var line: Int
    }

    private struct Entry {
        var line: Int
        var fields: [Field] = []
    }

    /// The opening `line` reads as, or nil when it opens no block. It must start at the left margin,
    /// as a top-level YAML key does; an indented or decorated `tasks:` is ordinary text.
    static func opening(_ line: MarkdownLine) -> Opening? {
        guard line.kind == .text, line.raw.first.map({ !$0.isWhitespace }) ?? false else { return nil }
        switch withoutComment(Substring(line.text)) {
        case "tasks:": return .block
        case "tasks: []": return .empty
        default: return nil
        }
    }

    /// The document of a file whose first line, `opening`, is `tasks:` or `tasks: []`.
    mutating func parse(opening number: Int, _ kind: Opening) -> HeartbeatDocument {
        var end = number
        var tasks: [HeartbeatTask] = []
        if kind == .block {
            let entries: [Entry]
            (entries, end) = readEntries(after: number)
            if entries.isEmpty {
                report(number, "\"tasks:\" opens a tasks block but no entry follows: add one like \"- name: inbox-triage\" with \"interval: 30m\" and \"prompt: …\" indented under it, or write \"tasks: []\"")
            }
            tasks = makeTasks(entries)
        }
        // After the block the file is free Markdown: its headings, of any level, are notes too.
        let rest = MarkdownLines.classify(lines[min(end, lines.count)...], firstLine: end + 1, hashLinesAreComments: false)
        return HeartbeatDocument(tasks: tasks, notes: MarkdownLines.text(of: rest))
    }

    private mutating func report(_ line: Int, _ message: String) {
        problems.append(HeartbeatProblem(file: file, line: line, message: message))
    }

    /// Reads entries from the line after `start`; returns them and the number of the block's last line.
    /// The block ends at the first line that is neither an entry nor indented under one, so a heading
    /// or a plain bullet (`- Keep alerts short.`) starts the notes.
    private mutating func readEntries(after start: Int) -> ([Entry], Int) {
        var entries: [Entry] = []
        var listIndent: Int?
        var index = start
        var last = start
        while index < lines.count {
            let (indent, content) = Self.split(lines[index])
            if content.isEmpty {
                index += 1
                continue
            }
            let under = listIndent.map { indent > $0 && !entries.isEmpty } ?? false
            if content.hasPrefix("#") {
                // A YAML comment inside an entry; at the list's level a Markdown heading, which ends the block.
                guard under else { break }
                index += 1
                continue
            }
            var fieldText: Substring
            if content == "-" || content.hasPrefix("- "), indent == listIndent ?? indent {
                let item = content.dropFirst().drop(while: { $0 == " " })
                guard item.isEmpty || Self.keyValue(item) != nil else { break }
                listIndent = indent
                entries.append(Entry(line: index + 1))
                fieldText = item
            } else if under {
                fieldText = content
            } else {
                break
            }
            checkIndent(index)
            last = index + 1
            guard !fieldText.isEmpty else {
                index += 1
                continue
            }
            let keyIndent = lines[index][..<fieldText.startIndex].count
            guard let (key, value) = Self.keyValue(fieldText) else {
                report(index + 1, "\"\(fieldText)\" is not a key: value line: write it like \"interval: 30m\" (keys: \(Self.keys.joined(separator: ", ")))")
                index += 1
                continue
            }
            let (text, next) = readValue(value, key: key, at: index, keyIndent: keyIndent)
            if !Self.keys.contains(key) {
                report(index + 1, "unknown key \"\(key)\" in a task entry: remove it, or use name, interval or prompt")
            } else if entries[entries.count - 1].fields.contains(where: { $0.key == key }) {
                report(index + 1, "key \"\(key)\" is given twice in this task entry: keep one")
            } else if let text {
                entries[entries.count - 1].fields.append(Field(key: key, value: text, line: index + 1))
            }
            last = max(last, next)
            index = next
        }
        return (entries, last)
    }

    /// YAML forbids tabs in indentation, and a tab's width is anyone's guess: say so rather than guess.
    private mutating func checkIndent(_ index: Int) {
        if lines[index].prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
            report(index + 1, "a tab indents this line: use spaces to indent the tasks block")
        }
    }

    /// The value of the key on line `index + 1` and the index of the line after it; nil (reported)
    /// when the value cannot be read.
    private mutating func readValue(_ value: Substring, key: String, at index: Int, keyIndent: Int) -> (String?, Int) {
        let indicator = Self.withoutComment(value)
        if ["|", "|-", "|+", ">", ">-", ">+"].contains(indicator) {
            return readBlockScalar(folded: indicator.hasPrefix(">"), after: index, keyIndent: keyIndent)
        }
        // A plain prompt is prose, taken to the end of the line: "#42" in it is an issue number,
        // not a comment, and silently cutting a prompt short would be worse than sending a comment.
        switch Self.scalar(value, plainKeepsHash: key == "prompt") {
        case .success(let text):
            return (text, index + 1)
        case .failure(let error):
            report(index + 1, "\(key): \(error.message)")
            return (nil, index + 1)
        }
    }

    /// The more-indented lines after a `|` or `>`: kept line by line, or folded into paragraphs.
    private mutating func readBlockScalar(folded: Bool, after index: Int, keyIndent: Int) -> (String?, Int) {
        // Trailing blank lines belong to what follows the block, so it ends after its last text line.
        var end = index + 1
        var next = end
        while next < lines.count {
            let (indent, content) = Self.split(lines[next])
            if !content.isEmpty {
                if indent <= keyIndent { break }
                end = next + 1
            }
            next += 1
        }
        let body = lines[(index + 1)..<end]
        let margin = body.first(where: { !Self.split($0).content.isEmpty }).map { Self.split($0).indent } ?? 0
        for (offset, line) in body.enumerated() where line.prefix(margin).contains("\t") {
            report(index + 2 + offset, "a tab indents this line: use spaces to indent the tasks block")
        }
        let texts = body.map { line in String(line.dropFirst(min(margin, line.prefix(while: { $0 == " " || $0 == "\t" }).count))) }
        guard folded else { return (texts.joined(separator: "\n"), end) }
        let paragraphs = texts.split(whereSeparator: { $0.trimmingCharacters(in: .whitespaces).isEmpty })
        return (paragraphs.map { $0.joined(separator: " ") }.joined(separator: "\n"), end)
    }

    /// Turns entries into tasks, reporting what each lacks.
    private mutating func makeTasks(_ entries: [Entry]) -> [HeartbeatTask] {
        var tasks: [HeartbeatTask] = []
        var seen: [String: Int] = [:]
        for entry in entries {
            func field(_ key: String) -> Field? { entry.fields.first { $0.key == key } }
            guard let name = field("name")?.value.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                report(entry.line, "this task entry needs a name: add \"name: inbox-triage\"")
                continue
            }
            // A name heads a section of the prompt and of the reply, which are lines.
            guard !name.contains("\n") else {
                report(entry.line, "task name \"\(Self.shown(name))\" must be one line: remove its line breaks")
                continue
            }
            var task = HeartbeatTask(name: name, line: entry.line)
            if let first = seen[task.key] {
                report(entry.line, "task \"\(name)\" has the same name as the task at line \(first): give each task its own name")
            }
            seen[task.key] = entry.line
            if let interval = field("interval") {
                let value = interval.value.trimmingCharacters(in: .whitespaces)
                if let schedule = TaskSchedule(parsing: "every \(value)") {
                    task.schedule = schedule
                } else {
                    report(interval.line, "task \"\(name)\": interval \"\(Self.shown(value))\" is not an interval: write a duration of at least 1m, like \"30m\", \"2h\" or \"1d\"")
                }
            }
            guard let prompt = field("prompt") else {
                report(entry.line, "task \"\(name)\" has no prompt: add \"prompt: …\" under it, saying what to do")
                continue
            }
            let text = prompt.value.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty {
                report(prompt.line, "task \"\(name)\": the prompt is empty: say what to do, like prompt: \"Check the inbox for urgent mail\"")
            }
            task.body = text
            task.steps = text.isEmpty ? [] : [text]
            task.isEmpty = text.isEmpty
            tasks.append(task)
        }
        return tasks
    }

    /// A value as a problem quotes it: on one line, as every problem is.
    static func shown(_ value: String) -> String {
        value.replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A line's indentation (spaces and tabs) and the rest, trimmed.
    static func split(_ line: Substring) -> (indent: Int, content: Substring) {
        let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
        var content = line.dropFirst(indent)
        while let last = content.last, last == " " || last == "\t" { content.removeLast() }
        return (indent, content)
    }

    /// `key: value` or `key:` with a YAML-style key (letters, digits, `_`, `-`); nil for anything else.
    static func keyValue(_ text: Substring) -> (String, Substring)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let key = text[..<colon]
        let after = text[text.index(after: colon)...]
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
              after.isEmpty || after.first == " " || after.first == "\t"
        else { return nil }
        return (key.lowercased(), after.drop(while: { $0 == " " || $0 == "\t" }))
    }

    /// The text without a trailing ` # comment`, trimmed.
    static func withoutComment(_ text: Substring) -> Substring {
        var previous: Character = " "
        for index in text.indices {
            if text[index] == "#", previous == " " || previous == "\t" { return split(text[..<index]).content }
            previous = text[index]
        }
        return split(text).content
    }

    /// A one-line value: `"double-quoted"` (with `\"`, `\\`, `\n`, `\t`), `'single-quoted'` (with
    /// `''`), or plain up to a ` # comment` (to the end of the line when `plainKeepsHash`).
    static func scalar(_ value: Substring, plainKeepsHash: Bool = false) -> Result<String, OptionError> {
        guard let quote = value.first, quote == "\"" || quote == "'" else {
            return .success(String(plainKeepsHash ? split(value).content : withoutComment(value)))
        }
        var text = ""
        var index = value.index(after: value.startIndex)
        while index < value.endIndex {
            let character = value[index]
            index = value.index(after: index)
            if character == quote {
                if quote == "'", index < value.endIndex, value[index] == "'" {
                    text.append("'")
                    index = value.index(after: index)
                    continue
                }
                let rest = split(value[index...]).content
                guard rest.isEmpty || rest.hasPrefix("#") else {
                    return .failure(OptionError("\"\(rest)\" follows the closing quote: put it inside the quotes"))
                }
                return .success(text)
            }
            if quote == "\"", character == "\\", index < value.endIndex {
                let escaped = value[index]
                index = value.index(after: index)
                switch escaped {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"", "\\", "/": text.append(escaped)
                default: text.append(contentsOf: ["\\", escaped])
                }
                continue
            }
            text.append(character)
        }
        return .failure(OptionError("the closing \(quote) is missing: close the quote on the same line, or write \"|\" after the colon and the text on indented lines below"))
    }
}
