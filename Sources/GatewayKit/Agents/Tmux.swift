import Foundation

/// tmux calls as values, always on the town's private socket (`-L gw-<town id>`), so Gateway never
/// touches the user's own tmux server.
public struct Tmux: Sendable, Equatable {
    public let socket: String

    public init(socket: String) { self.socket = socket }

    func command(_ arguments: [String]) -> Command {
        Command("tmux", ["-L", socket] + arguments)
    }

    public func hasSession(_ name: String) -> Command {
        command(["has-session", "-t", "=\(name)"])
    }

    /// Where tmux puts this socket: `$TMUX_TMPDIR` (else /tmp) `/tmux-<uid>/<socket>`. When the file is
    /// absent no server runs, and no process needs to be spawned to know it.
    public func socketPath(variables: [String: String]) -> URL {
        let base = variables["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return URL(fileURLWithPath: base).appendingPathComponent("tmux-\(getuid())").appendingPathComponent(socket)
    }
}
