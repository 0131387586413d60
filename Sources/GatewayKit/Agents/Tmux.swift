import Foundation

/// tmux calls as values, always on the town's private socket (`-L gw-<town id>`), so Gateway never
/// touches the user's own tmux server.
public struct Tmux: Sendable, Equatable {
    public let socket: String

    public init(socket: String) { self.socket = socket }

    func command(_ arguments: [String], input: Data? = nil) -> Command {
        Command("tmux", ["-L", socket] + arguments, standardInput: input)
    }

    /// Runs a shell command inside the tmux server, in the background: it outlives whoever asked for it
    /// (an agent's hook, which must return before the agent can take another prompt).
    public func runShellInBackground(_ shellCommand: String) -> Command {
        command(["run-shell", "-b", shellCommand])
    }

    /// `=name` matches the session name exactly, never a prefix of another session's name.
    static func target(_ session: String) -> String { "=\(session):" }

    public func hasSession(_ name: String) -> Command {
        command(["has-session", "-t", "=\(name)"])
    }

    /// Starts a detached session running `argv` in `directory`, with `environment` set for the agent
    /// (and so for the hooks it runs). A fixed size keeps screen reading independent of any client.
    public func newSession(_ name: String, directory: URL, environment: [String: String], clientEnvironment: [String: String],
                           argv: [String], width: Int = 200, height: Int = 50) -> Command {
        var arguments = ["new-session", "-d", "-s", name, "-c", directory.path, "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        return scrubbed(command(arguments + ["--"] + argv), clientEnvironment: clientEnvironment)
    }

    /// Restarts the (dead) pane of a session with a new command line.
    public func respawnPane(_ session: String, directory: URL, environment: [String: String], clientEnvironment: [String: String],
                            argv: [String]) -> Command {
        var arguments = ["respawn-pane", "-k", "-t", Self.target(session), "-c", directory.path]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        return scrubbed(command(arguments + ["--"] + argv), clientEnvironment: clientEnvironment)
    }

    public func setOption(_ session: String, _ option: String, _ value: String) -> Command {
        command(["set-option", "-t", Self.target(session), option, value])
    }

    /// Keeps a dead pane on screen, so its last words can be read and the death noticed by a hook.
    public func setWindowOption(_ session: String, _ option: String, _ value: String) -> Command {
        command(["set-option", "-w", "-t", Self.target(session), option, value])
    }

    /// Runs `shellCommand` in the background whenever the session's pane dies.
    public func setPaneDiedHook(_ session: String, shellCommand: String) -> Command {
        command(["set-hook", "-t", Self.target(session), "pane-died", "run-shell -b \(Self.quoteForTmux(shellCommand))"])
    }

    /// Loads `text` into a named paste buffer from stdin: no argv length limit, no shell quoting.
    public func loadBuffer(_ name: String, text: String) -> Command {
        command(["load-buffer", "-b", name, "-"], input: Data(text.utf8))
    }

    /// Pastes `text` with bracketed paste in pieces, all in one tmux call. Claude Code collapses a single
    /// paste of more than about 800 characters or a few lines into "[Pasted text #1]" and submits it
    /// wrapped in `<pasted_content>` tags; pasted one line (at most 400 characters) at a time, the
    /// prompt arrives exactly as written, however long it is.
    public func pasteInPieces(_ text: String, session: String, buffer: String) -> Command {
        var arguments: [String] = []
        for piece in Self.pastePieces(text) {
            if !arguments.isEmpty { arguments.append(";") }
            arguments += ["set-buffer", "-b", buffer, "--", piece, ";", "paste-buffer", "-p", "-d", "-b", buffer, "-t", Self.target(session)]
        }
        return command(arguments)
    }

    /// Lines with their newline, long lines cut at 400 characters. A piece that is a lone `;` would read
    /// as tmux's command separator, so it joins the piece before it.
    static func pastePieces(_ text: String, limit: Int = 400) -> [String] {
        var pieces: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            var rest = Substring(line) + (index < lines.count - 1 ? "\n" : "")
            while !rest.isEmpty {
                let piece = String(rest.prefix(limit))
                rest = rest.dropFirst(limit)
                if piece == ";", let last = pieces.popLast() {
                    pieces.append(last + piece)
                } else {
                    pieces.append(piece)
                }
            }
        }
        return pieces
    }

    /// Pastes a buffer with bracketed paste (`-p`), so newlines stay inside one prompt, and deletes it (`-d`).
    public func pasteBuffer(_ name: String, session: String) -> Command {
        command(["paste-buffer", "-p", "-d", "-b", name, "-t", Self.target(session)])
    }

    /// Sends named keys (`Enter`, `Up`, `Down`, `C-u`), never literal text.
    public func sendKeys(_ session: String, _ keys: [String]) -> Command {
        command(["send-keys", "-t", Self.target(session)] + keys)
    }

    /// The visible screen as text, wrapped lines joined.
    public func capturePane(_ session: String) -> Command {
        command(["capture-pane", "-p", "-J", "-t", Self.target(session)])
    }

    /// The screen with up to `lines` lines of scrollback, wrapped lines joined.
    public func captureHistory(_ session: String, lines: Int) -> Command {
        command(["capture-pane", "-p", "-J", "-S", "-\(lines)", "-t", Self.target(session)])
    }

    /// `dead pid exit-status` of the session's pane, on one line.
    public func paneState(_ session: String) -> Command {
        command(["display-message", "-p", "-t", Self.target(session), "#{pane_dead} #{pane_pid} #{pane_dead_status}"])
    }

    /// A no-op job in the server. Its exit makes tmux collect every exited child, see `AgentLifecycle.paneState`.
    public func collectExitedChildren() -> Command {
        command(["run-shell", "true"])
    }

    public func killSession(_ name: String) -> Command {
        command(["kill-session", "-t", "=\(name)"])
    }

    public func attach(_ name: String) -> Command {
        command(["attach-session", "-t", "=\(name)"])
    }

    /// Where tmux puts this socket: `$TMUX_TMPDIR` (else /tmp) `/tmux-<uid>/<socket>`. When the file is
    /// absent no server runs, and no process needs to be spawned to know it.
    public func socketPath(variables: [String: String]) -> URL {
        let base = variables["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return URL(fileURLWithPath: base).appendingPathComponent("tmux-\(getuid())").appendingPathComponent(socket)
    }

    /// Quotes for tmux's own command parser (used inside `run-shell`): single quotes, with embedded
    /// single quotes closed, escaped and reopened.
    static func quoteForTmux(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Quotes words for /bin/sh.
public enum ShellQuote {
    public static func word(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:@%+,".contains($0)) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public static func line(_ words: [String]) -> String { words.map(word).joined(separator: " ") }
}
