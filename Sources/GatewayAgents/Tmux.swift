import Foundation
import GatewayCore

/// tmux calls as values, always on the town's private socket (`-L gw-<town id>`), so Gateway never
/// touches the user's own tmux server.
public struct Tmux: Sendable, Equatable {
    public let socket: String

    public init(socket: String) { self.socket = socket }

    package func command(_ arguments: [String], input: Data? = nil) -> Command {
        Command("tmux", ["-L", socket] + arguments, standardInput: input)
    }

    /// Runs a shell command inside the tmux server, in the background: it outlives whoever asked for it
    /// (an agent's hook, which must return before the agent can take another prompt).
    public func runShellInBackground(_ shellCommand: String) -> Command {
        command(["run-shell", "-b", Self.formatLiteral(shellCommand)])
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
        var arguments = ["new-session", "-d", "-s", name, "-c", Self.formatLiteral(directory.path), "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        return scrubbed(command(arguments + ["--"] + argv), clientEnvironment: clientEnvironment)
    }

    /// Restarts the (dead) pane of a session with a new command line.
    public func respawnPane(_ session: String, directory: URL, environment: [String: String], clientEnvironment: [String: String],
                            argv: [String]) -> Command {
        var arguments = ["respawn-pane", "-k", "-t", Self.target(session), "-c", Self.formatLiteral(directory.path)]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        return scrubbed(command(arguments + ["--"] + argv), clientEnvironment: clientEnvironment)
    }

    /// Keeps a dead pane on screen, so its last words can be read and the death noticed by a hook.
    public func setWindowOption(_ session: String, _ option: String, _ value: String) -> Command {
        command(["set-option", "-w", "-t", Self.target(session), option, value])
    }

    /// Runs `shellCommand` in the background whenever the session's pane dies. The text passes three
    /// readers: tmux's command parser (when the hook is set), run-shell's format expansion (when it
    /// fires), then /bin/sh — so it is shell-quoted by the caller, format-escaped, then tmux-quoted.
    public func setPaneDiedHook(_ session: String, shellCommand: String) -> Command {
        command(["set-hook", "-t", Self.target(session), "pane-died", "run-shell -b \(Self.quoteForTmux(Self.formatLiteral(shellCommand)))"])
    }

    /// Pastes `text` with bracketed paste in pieces, in as few tmux calls as fit tmux's limits. Claude
    /// Code collapses a single paste of more than about 800 characters or a few lines into "[Pasted text
    /// #1]" and submits it wrapped in `<pasted_content>` tags; pasted one line (at most 400 characters)
    /// at a time, the prompt arrives exactly as written, however long it is. tmux refuses a command whose
    /// arguments pass about 16 KB ("command too long"), and the system an argv of a few MB, so the
    /// pieces are spread over calls of at most `callBudget` bytes each.
    public func pasteCommands(_ text: String, session: String, buffer: String) -> [Command] {
        var calls: [[String]] = []
        var current: [String] = []
        var size = 0
        for piece in Self.pastePieces(text) {
            let words = ["set-buffer", "-b", buffer, "--", Self.escapingSeparator(piece), ";",
                         "paste-buffer", "-p", "-d", "-b", buffer, "-t", Self.target(session)]
            let bytes = words.reduce(0) { $0 + $1.utf8.count + 1 }
            if !current.isEmpty, size + bytes + 2 > Self.callBudget {
                calls.append(current)
                (current, size) = ([], 0)
            }
            if !current.isEmpty { current.append(";") }
            current += words
            size += bytes + 2
        }
        if !current.isEmpty { calls.append(current) }
        return calls.map { command($0) }
    }

    /// Bytes of arguments per tmux call: half of tmux's message limit (16 KB), leaving room for its framing.
    static let callBudget = 8 * 1024

    /// tmux reads an argument that ends in `;` as its command separator and drops the `;` (so `semi;`
    /// arrived as `semi`); an argument ending in `\;` keeps a plain `;` instead. Replacing the final
    /// `;` with `\;` makes every piece arrive as written — `\;` itself included.
    static func escapingSeparator(_ piece: String) -> String {
        piece.hasSuffix(";") ? String(piece.dropLast()) + "\\;" : piece
    }

    /// Lines with their newline, long lines cut at `characters` characters or `bytes` UTF-8 bytes,
    /// whichever comes first. A single character larger than `bytes` (a letter with thousands of
    /// combining marks) is cut between its scalars: the agent still receives the same bytes in order.
    static func pastePieces(_ text: String, characters: Int = 400, bytes: Int = 2048) -> [String] {
        var pieces: [String] = []
        var piece = ""
        var count = 0
        var size = 0
        func flush() {
            if !piece.isEmpty { pieces.append(piece) }
            (piece, count, size) = ("", 0, 0)
        }
        for character in text {
            let length = character.utf8.count
            if length > bytes {
                flush()
                for scalar in character.unicodeScalars {
                    if size + scalar.utf8.count > bytes { flush() }
                    piece.unicodeScalars.append(scalar)
                    size += scalar.utf8.count
                }
                flush()
                continue
            }
            if count == characters || size + length > bytes { flush() }
            piece.append(character)
            count += 1
            size += length
            if character == "\n" { flush() }
        }
        flush()
        return pieces
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
    /// `paneState`, then the screen `capturePane` shows, in one call: the first line of the output is
    /// the state, the rest the screen.
    public func paneStateAndScreen(_ session: String) -> Command {
        command(["display-message", "-p", "-t", Self.target(session), "#{pane_dead} #{pane_pid} #{pane_dead_status}", ";",
                 "capture-pane", "-p", "-J", "-t", Self.target(session)])
    }

    public func paneState(_ session: String) -> Command {
        command(["display-message", "-p", "-t", Self.target(session), "#{pane_dead} #{pane_pid} #{pane_dead_status}"])
    }

    /// `dead pane-pid server-pid` of the session's pane: the two processes whose life says, from then on,
    /// that the pane still runs (`AgentLifecycle.runningProof`).
    public func paneProcesses(_ session: String) -> Command {
        command(["display-message", "-p", "-t", Self.target(session), "#{pane_dead} #{pane_pid} #{pid}"])
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

    /// Text tmux format-expands (`-c` of new-session and respawn-pane, run-shell's command) but must
    /// take literally: a town at `Notes#Work` would lose `#W`, and `#(cmd)` in a path would run `cmd`.
    /// `##` is tmux's escape for a literal `#`; no other character starts a format.
    static func formatLiteral(_ text: String) -> String {
        text.replacingOccurrences(of: "#", with: "##")
    }

    /// Quotes for tmux's own command parser (used inside `run-shell`): single quotes, with embedded
    /// single quotes closed, escaped and reopened.
    static func quoteForTmux(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
