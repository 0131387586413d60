import Foundation
import GatewayCore

/// What the town's tmux server passes on: it copies the environment of the client that starts it into
/// its global environment, and every pane inherits that. Gateway's secrets must reach neither.
extension Tmux {
    /// A command that may start the town's server, run with `clientEnvironment` only: the server takes
    /// its starter's whole environment as the global one every pane inherits, and a new pane gets the
    /// client's PATH. Gateway's own variables (its secrets) must reach neither.
    func scrubbed(_ command: Command, clientEnvironment: [String: String]) -> Command {
        var command = command
        command.environment = clientEnvironment
        command.inheritsEnvironment = false
        return command
    }

    /// The server's global environment, `NAME=value` lines (`-NAME` for one removed).
    public func showGlobalEnvironment() -> Command {
        command(["show-environment", "-g"])
    }

    /// Removes `names` from the server's global environment, in one call.
    public func unsetGlobalEnvironment(_ names: [String]) -> Command {
        command(names.map { ["set-environment", "-g", "-u", $0] }.joined(separator: [";"]).map { $0 })
    }
}
