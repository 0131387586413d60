import Foundation
import GatewayCore

extension TestTown {
    /// `tmux -L <town socket> ARGS`, whatever its outcome; awaited on a thread of its own.
    public func tmux(_ arguments: [String]) async throws -> ProcessResult {
        try await LiveProcessRunner().run(Command("tmux", ["-L", town.tmuxSocket] + arguments))
    }

    /// `tmux -L <town socket> ARGS`'s stdout; throws with tmux's stderr when it fails.
    @discardableResult
    public func tmuxOK(_ arguments: [String]) async throws -> String {
        let result = try await tmux(arguments)
        guard result.succeeded else { throw GatewayError("tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdout
    }

    public func sessionExists(_ name: String) async throws -> Bool {
        try await tmux(["has-session", "-t", "=\(name)"]).succeeded
    }

    /// The Mayor's screen, or a note saying why there is none.
    public func screen() async -> String {
        (try? await tmuxOK(["capture-pane", "-p", "-J", "-t", "=mayor:"])) ?? "(no Mayor pane)"
    }

    /// The process running in the Mayor's pane.
    public func panePID() async throws -> pid_t {
        let text = try await tmuxOK(["display-message", "-p", "-t", "=mayor:", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text) else { throw GatewayError("no pane pid: \(text)") }
        return pid
    }

    /// The pid of the process in the Mayor's pane, and whether the pane is dead.
    public func mayorPane() async throws -> (pid: Int32, dead: Bool)? {
        let result = try await tmux(["display-message", "-p", "-t", "=mayor:", "#{pane_pid} #{pane_dead}"])
        let parts = result.stdout.split(separator: " ")
        guard result.succeeded, parts.count == 2, let pid = Int32(parts[0]) else { return nil }
        return (pid, parts[1].hasPrefix("1"))
    }
}
