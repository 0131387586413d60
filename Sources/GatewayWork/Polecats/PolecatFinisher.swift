import Foundation
import GatewayCore
import GatewayHooks
import GatewayAgents

/// Ends a polecat: writes what it did (or its last screen) to its hook, closes its convoy item, tells
/// the Mayor, and ends its tmux session. The worktree always stays. Called with the polecats lock held.
struct PolecatFinisher: Sendable {
    let supervisor: PolecatSupervisor
    let ledger: Ledger

    var environment: GatewayEnvironment { supervisor.environment }
    var town: Town { supervisor.town }
    var now: Date { environment.clock.now() }

    func runtime(_ polecat: Polecat) -> AgentRuntime? {
        guard let name = polecat.name, let worktree = polecat.worktree else { return nil }
        return .polecat(environment: environment, town: town, settings: supervisor.agents, name: name,
                        profile: polecat.profile, worktree: URL(fileURLWithPath: worktree))
    }

    var hooks: HookStore { HookStore(environment: environment, town: town, agents: supervisor.agents) }

    /// The turn ended with a reply: the result goes to the hook, the item is done.
    func finish(_ polecat: Polecat, turn: Turn) async throws {
        guard let agent = polecat.agent, let branch = polecat.branch else { return }
        let commits = try await supervisor.worktrees.commitsBeyondDefault(rig: polecat.rig, branch: branch)
        let reply = turn.reply ?? ""
        let text = Self.resultText(polecat, branch: branch, commits: commits, reply: reply)
        let write = try await hooks.write(agent, message: "Result of sling \(polecat.id) (convoy \(polecat.convoyId)): done") { worktree in
            try FileSystem.writeAtomically(text, to: worktree.appendingPathComponent("work/result.md"))
            return ["work/result.md"]
        }
        let commit = try await resultCommit(write, agent: agent)
        let summary = "\(branch): \(commits.count) commit\(commits.count == 1 ? "" : "s"); \(reply.split(separator: "\n").first.map(String.init) ?? "(no reply)")"
        try await ledger.markItem(convoy: polecat.convoyId, item: 1, state: .done, at: now, agent: agent,
                                  result: ConvoyResult(branch: HookBranches.branch(for: agent), commit: commit), summary: summary)
        guard try await ledger.endPolecat(polecat.id, state: .done, error: nil, resultCommit: commit, commits: commits.joined(separator: "\n"), at: now) else { return }
        try await endSession(polecat, note: "finished its sling")
        try await report(polecat, outcome: "done — \(summary)", commit: commit)
    }

    /// It died, timed out, or was killed: its last screen goes to the hook, the item fails.
    func fail(_ polecat: Polecat, reason: String) async throws {
        guard let agent = polecat.agent, let runtime = runtime(polecat) else {
            // A queued sling that never got a polecat.
            try await markItemFailed(polecat, reason: reason, result: nil)
            try await ledger.endPolecat(polecat.id, state: .failed, error: reason, resultCommit: nil, commits: nil, at: now)
            return try await report(polecat, outcome: "failed — \(reason)", commit: nil)
        }
        let lifecycle = AgentLifecycle(runtime: runtime)
        let captured = (try? await lifecycle.capture()) ?? ""
        let screen = captured.isEmpty
            ? (try? String(contentsOf: runtime.lastScreenFile, encoding: .utf8)) ?? "(no screen: the pane was gone)"
            : captured
        let commits = (try? await polecat.branch.asyncMap { try await supervisor.worktrees.commitsBeyondDefault(rig: polecat.rig, branch: $0) }) ?? nil
        let text = "# Sling \(polecat.id) failed\n\n\(reason)\n\nThe worktree \(polecat.worktree ?? "-") (branch \(polecat.branch ?? "-")) is kept.\n"
        let write = try await hooks.write(agent, message: "Sling \(polecat.id) (convoy \(polecat.convoyId)) failed: \(reason)") { worktree in
            try FileSystem.writeAtomically(screen, to: worktree.appendingPathComponent("work/last-screen.txt"))
            try FileSystem.writeAtomically(text, to: worktree.appendingPathComponent("work/result.md"))
            return ["work/last-screen.txt", "work/result.md"]
        }
        let commit = try await resultCommit(write, agent: agent)
        _ = try await ledger.failTurnsInFlight(agent: agent, error: reason, at: now)
        if let turn = polecat.turnId, let queued = try await ledger.turn(turn), queued.state == .queued {
            try await ledger.endTurn(turn, state: .failed, error: reason, at: now)
        }
        // Its session ends before it is marked failed: whoever sees `failed` finds nothing left running.
        // (Two failers never race here: both hold the polecats lock.)
        try await endSession(polecat, note: "failed: \(reason)")
        try await markItemFailed(polecat, reason: reason, result: ConvoyResult(branch: HookBranches.branch(for: agent), commit: commit))
        try await ledger.endPolecat(polecat.id, state: .failed, error: reason, resultCommit: commit, commits: commits?.joined(separator: "\n"), at: now)
        try await report(polecat, outcome: "failed — \(reason); its last screen is on its hook and its worktree is kept", commit: commit)
    }

    func markItemFailed(_ polecat: Polecat, reason: String, result: ConvoyResult?) async throws {
        let item = try await ledger.convoy(polecat.convoyId)?.items.first
        guard let item, !item.state.hasEnded else { return }
        try await ledger.markItem(convoy: polecat.convoyId, item: 1, state: .failed, at: now, agent: polecat.agent, result: result, error: reason)
    }

    /// The hook's commit holding the result; the hook's head when the write changed nothing.
    func resultCommit(_ write: HookWriteResult, agent: String) async throws -> String {
        if let commit = write.commit { return commit }
        let head = try await environment.git.run(Git.revParse("refs/heads/\(HookBranches.branch(for: agent))", in: town.root))
        return head.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Marks the agent stopped first, so its pane's death reads as intended, then ends the session.
    func endSession(_ polecat: Polecat, note: String) async throws {
        guard let agent = polecat.agent, let runtime = runtime(polecat) else { return }
        if try await ledger.agent(agent) != nil { try await ledger.setAgentState(agent, .stopped, note: note) }
        let lifecycle = AgentLifecycle(runtime: runtime)
        guard await lifecycle.paneState().exists else { return }
        if let screen = try? await lifecycle.capture() { try? FileSystem.writeAtomically(screen, to: runtime.lastScreenFile) }
        let result = try await environment.processes.run(runtime.tmux.killSession(runtime.session))
        if !result.succeeded { environment.logger.warning("could not end the session of \(agent): \(result.stderr)") }
    }

    /// A short turn for the Mayor, queued and handed over; a command sends it only to a running Mayor.
    func report(_ polecat: Polecat, outcome: String, commit: String?) async throws {
        let pointer = commit.map { " Result: \(HookBranches.branch(for: polecat.agent ?? "")) @ \(String($0.prefix(12)))." } ?? ""
        let text = "Polecat \(polecat.displayName) (rig \(polecat.rig), convoy \(polecat.convoyId)) finished \"\(polecat.title)\": \(outcome).\(pointer) Details: `gw polecat show \(polecat.name ?? "#\(polecat.id)")`."
        _ = try await ledger.enqueueTurn(agent: Hook.mayor, text: text, source: "sling:\(polecat.convoyId)", at: now)
        let mayor = AgentLifecycle(runtime: .mayor(environment: environment, town: town, settings: supervisor.agents))
        if case .command = supervisor.handOff, DaemonPidFile.runningPid(town) == nil, !(await mayor.isRunning()) { return }
        do {
            try await TurnDelivery(lifecycle: mayor).handOff(supervisor.handOff, deadline: now.addingTimeInterval(2))
        } catch let deferred as DeliveryDeferred {
            environment.logger.info("the report of polecat \(polecat.displayName) stays queued for the Mayor (\(deferred.reason))")
        }
    }

    static func resultText(_ polecat: Polecat, branch: String, commits: [String], reply: String) -> String {
        var lines = ["# Result of sling \(polecat.id): \(polecat.title)", "",
                     "- polecat: \(polecat.displayName)", "- rig: \(polecat.rig)", "- branch: \(branch)",
                     "- worktree: \(polecat.worktree ?? "-")", "- convoy: \(polecat.convoyId)", "",
                     "## Commits on \(branch)", ""]
        lines += commits.isEmpty ? ["(none)"] : commits.map { "- \($0)" }
        lines += ["", "## Reply", "", reply, ""]
        return lines.joined(separator: "\n")
    }
}
