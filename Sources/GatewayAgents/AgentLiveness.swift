import Foundation
import GatewayCore

/// What one tmux call showed of a running agent: the process in its pane and the tmux server holding
/// it. While both are still those processes and running, and the server's socket is in place, the pane
/// is live — something a look can tell from the kernel alone, without spawning a tmux client.
public struct PaneProof: Sendable, Equatable {
    public let pane: ProcessIdentity
    public let server: ProcessIdentity
}

/// The answer of one tmux look at an agent's pane.
public struct PaneLook: Sendable, Equatable {
    public var running: Bool
    /// Nil when the pane does not run, or its processes could not be read (then every look asks tmux).
    public var proof: PaneProof?
}

extension AgentLifecycle {
    /// `isRunning()`, keeping the pane's and the server's processes for `stillRuns(_:)`.
    public func lookAtPane() async -> PaneLook {
        guard FileSystem.exists(tmux.socketPath(variables: environment.variables)) else { return PaneLook(running: false) }
        guard let result = try? await processes.run(tmux.paneProcesses(runtime.session)), result.succeeded else { return PaneLook(running: false) }
        // As in `paneState`: no pane id means no session; a dead pane lets its hook run.
        let fields = result.stdout.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 2 else { return PaneLook(running: false) }
        if fields[0] == "1" {
            await collectExitedChildren()
            return PaneLook(running: false)
        }
        let pane = Int32(fields[1]).flatMap(ProcessIdentity.current)
        let server = fields.count >= 3 ? Int32(fields[2]).flatMap(ProcessIdentity.current) : nil
        return PaneLook(running: true, proof: pane.flatMap { pane in server.map { PaneProof(pane: pane, server: $0) } })
    }

    /// True when what `proof` saw still holds: the socket is there and the pane's process and the tmux
    /// server are the same processes, neither exited. Reads two /proc entries and stats one file. A
    /// pane whose process died shows here as that process gone (or a zombie tmux has not collected),
    /// a killed server as its process gone, a restarted agent as a new pid: each sends the next look to
    /// tmux.
    public func stillRuns(_ proof: PaneProof) -> Bool {
        FileSystem.exists(tmux.socketPath(variables: environment.variables)) && proof.pane.isAlive && proof.server.isAlive
    }
}

/// How the daemon's health check tells that an agent still runs at almost no cost: tmux is asked once,
/// and later looks only check that the processes it named are still the ones running
/// (`AgentLifecycle.stillRuns`). When anything looks wrong, and anyway every `askTmuxEvery` looks, tmux
/// is asked again — the kernel cannot see a session killed while its process lives on (a process that
/// ignores SIGHUP), so that case is caught within that many health checks rather than at once.
public struct AgentLivenessCheck: Sendable {
    public static let askTmuxEvery = 10
    var proof: PaneProof?
    var looksSinceTmux = 0

    public init() {}

    /// Does the agent run? Asks tmux only when the last proof no longer holds, or is due to be renewed.
    public mutating func isRunning(_ lifecycle: AgentLifecycle) async -> Bool {
        if let proof, looksSinceTmux + 1 < Self.askTmuxEvery, lifecycle.stillRuns(proof) {
            looksSinceTmux += 1
            return true
        }
        let look = await lifecycle.lookAtPane()
        proof = look.proof
        looksSinceTmux = 0
        return look.running
    }

    /// Forgets the proof, so the next look asks tmux (after the supervisor restarted the agent itself).
    public mutating func forget() {
        proof = nil
    }
}
