import Foundation
import GatewayCore

extension TestTown {
    /// `tmux -L <town socket> ARGS`, whatever its outcome.
    public func tmux(_ arguments: [String]) throws -> ProcessResult {
        try LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket] + arguments))
    }

    /// `tmux -L <town socket> ARGS`'s stdout; throws with tmux's stderr when it fails.
    @discardableResult
    public func tmuxOK(_ arguments: [String]) throws -> String {
        let result = try tmux(arguments)
        guard result.succeeded else { throw GatewayError("tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdout
    }

    public func sessionExists(_ name: String) throws -> Bool {
        try tmux(["has-session", "-t", "=\(name)"]).succeeded
    }

    /// The Mayor's screen, or a note saying why there is none.
    public func screen() -> String {
        (try? tmuxOK(["capture-pane", "-p", "-J", "-t", "=mayor:"])) ?? "(no Mayor pane)"
    }

    /// The process running in the Mayor's pane.
    public func panePID() throws -> pid_t {
        let text = try tmuxOK(["display-message", "-p", "-t", "=mayor:", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text) else { throw GatewayError("no pane pid: \(text)") }
        return pid
    }

    /// The pid of the process in the Mayor's pane, and whether the pane is dead.
    public func mayorPane() throws -> (pid: Int32, dead: Bool)? {
        let result = try tmux(["display-message", "-p", "-t", "=mayor:", "#{pane_pid} #{pane_dead}"])
        let parts = result.stdout.split(separator: " ")
        guard result.succeeded, parts.count == 2, let pid = Int32(parts[0]) else { return nil }
        return (pid, parts[1].hasPrefix("1"))
    }
}
