import Foundation

/// Which folders can hold a town. Gateway hands the town's path to tmux, /bin/sh, git and the PATH of
/// every agent. Quoting makes `#`, `$()`, backticks, quotes, spaces and `;` safe in all of them; two
/// things no quoting fixes are refused instead:
/// - a control character (a newline above all): tmux's and git's line-based formats, hook settings and
///   the agents' scripts would read one path as two lines;
/// - a `:`, which splits PATH, so the agents' git (`.gateway/agent-bin`) could never come first on it.
public enum TownPath {
    /// Why `path` cannot hold a town, or nil when it can.
    public static func problem(_ path: String) -> String? {
        if let control = path.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            let name = control == "\n" ? "a newline" : control == "\t" ? "a tab" : "the control character U+\(String(format: "%04X", control.value))"
            return "it contains \(name): tmux, git and the scripts Gateway writes for its agents would read it as more than one line"
        }
        if path.contains(":") {
            return "it contains `:`, which separates the folders of PATH: the agents' git in .gateway/agent-bin could not be put first on their PATH"
        }
        return nil
    }

    /// Throws an error naming the folder, why, and what to do, when `directory` cannot hold a town.
    public static func check(_ directory: URL, role: String = "town folder") throws {
        guard let problem = problem(directory.path) else { return }
        throw GatewayError("the \(role) \(visible(directory.path)) cannot be used: \(problem). Move it to (or install it at) a path without control characters or `:`.")
    }

    /// The path with control characters shown as escapes, so an error names it on one line.
    static func visible(_ path: String) -> String {
        var shown = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "\n": shown += "\\n"
            case "\t": shown += "\\t"
            case "\r": shown += "\\r"
            case _ where scalar.properties.generalCategory == .control: shown += "\\u{\(String(scalar.value, radix: 16))}"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return "\"\(shown)\""
    }
}
