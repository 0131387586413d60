import Foundation
import GatewayCore

/// The environment side of starting an agent: its own variables, and the town's tmux server, which
/// passes its global environment to every pane it starts.
extension AgentLifecycle {
    /// The agent's variables; each one withheld because it is or holds a secret is named in a warning
    /// (its name and the secret's, never the value), so a user who asked for it learns why it is missing.
    func agentVariables() -> [String: String] {
        let built = runtime.builtEnvironment
        for withheld in built.withheld {
            environment.logger.warning("\(withheld.variable) is kept from the \(runtime.name) agent: it holds Gateway's secret \(withheld.secret), and agents never get Gateway's secrets")
        }
        return built.variables
    }

    /// A server started before agents got an allowlist (by an older gw) still holds its starter's whole
    /// environment as the global one every new pane inherits: anything the allowlist would not pass is
    /// removed from it. A failure is logged, never fatal — the agent's own variables are set explicitly.
    func scrubServerEnvironment() async {
        guard FileSystem.exists(tmux.socketPath(variables: environment.variables)),
              let shown = try? await processes.run(tmux.showGlobalEnvironment()), shown.succeeded else { return }
        let allowed = runtime.tmuxClientEnvironment
        let stale = shown.stdout.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("-"), let equals = line.firstIndex(of: "=") else { return nil }
            let name = String(line[..<equals])
            return allowed[name] == nil && !["TMUX", "TMUX_PANE"].contains(name) ? name : nil
        }
        guard !stale.isEmpty else { return }
        do {
            try await processes.check(tmux.unsetGlobalEnvironment(stale), what: "clearing the tmux server's environment")
        } catch {
            environment.logger.warning("\(error.userMessage)")
        }
    }
}
