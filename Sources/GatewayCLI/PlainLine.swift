/// A command line read without the command tree, for the few commands agents and their hooks run
/// often (`AgentEventLine`, `MemorySearchLine`, `HookPutLine`).
///
/// Parsing through ArgumentParser first builds every argument of the command by reflection, which
/// costs about 3 ms of a 12–20 ms run here — a fifth of a hook's run, an eighth of a search. This reads
/// only the plain spellings: the command's own words, then its positional words, `--option value` or
/// `--option=value`, and flags, in any order. Anything else — `--help`, `--`, an unknown option or one
/// with no value, a value that looks like an option, one word too many or too few — yields nil and is left to
/// the tree, which parses it or explains the mistake as for every command.
struct PlainLine: Equatable {
    /// The positional words, in order.
    var words: [String] = []
    /// Option values by option (`--town`), the last one given winning, as in the tree.
    var options: [String: String] = [:]
    /// The flags given (`--verbose`).
    var flags: Set<String> = []
}

extension PlainLine {
    /// nil when `arguments` do not start with `command` or say anything but `words` positional words,
    /// the `options` and the `flags`.
    init?(_ arguments: [String], command: [String], words count: Int, options known: Set<String>, flags knownFlags: Set<String>) {
        guard arguments.starts(with: command) else { return nil }
        var rest = arguments.dropFirst(command.count)
        while let word = rest.popFirst() {
            if knownFlags.contains(word) {
                flags.insert(word)
            } else if known.contains(word) {
                guard let value = rest.popFirst(), !value.hasPrefix("-") else { return nil }
                options[word] = value
            } else if let equals = word.firstIndex(of: "="), word.hasPrefix("--"), known.contains(String(word[..<equals])) {
                // `--name=` gives no value: the tree refuses it.
                guard equals != word.index(before: word.endIndex) else { return nil }
                options[String(word[..<equals])] = String(word[word.index(after: equals)...])
            } else if word == "-" || !word.hasPrefix("-") {
                // `-` alone is a word: standard input, where a command takes a file.
                words.append(word)
            } else {
                return nil
            }
        }
        guard words.count == count else { return nil }
    }
}
