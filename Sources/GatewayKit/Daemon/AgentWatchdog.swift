import Foundation
import GatewayCore
import GatewayAgents
import GatewayHooks
import GatewayWork

/// The watchdog over one agent, run by the Mayor's supervisor at each health check while the agent has
/// turns to do: a dialog or a silent turn waiting `[watchdog] escalate_after` is sent to the owner once,
/// with the screen's last lines and the commands that answer it; a turn with no hook event, no
/// transcript growth and no CPU time for `stuck_after` is failed once, saying why — and the Mayor is
/// restarted with its conversation, while a polecat, whose turn was its whole task, is finished as
/// failed by the polecats' reconcile. Nothing is looked at while the agent has nothing to do.
struct AgentWatchdog {
    let lifecycle: AgentLifecycle
    let ledger: Ledger
    var isMayor: Bool { runtime.name == Hook.mayor }
    var who: String { isMayor ? "The Mayor" : "Polecat \(PolecatNames.name(ofAgent: runtime.name) ?? runtime.name)" }
    var runtime: AgentRuntime { lifecycle.runtime }
    var environment: GatewayEnvironment { runtime.environment }

    func look(_ watch: inout AgentWatch) async throws {
        let now = environment.clock.now()
        let settings = runtime.settings.watchdog
        let pending = try await ledger.pendingTurns(agent: runtime.name)
        guard !pending.isEmpty, await lifecycle.isRunning(), let record = try await ledger.agent(runtime.name) else {
            watch = AgentWatch(at: now)
            return
        }
        let text = try await lifecycle.capture()
        let screen = AgentScreen(text: text, profile: runtime.profile)
        let transcript = record.sessionId.map { runtime.transcriptPath(sessionId: $0) }
        let bytes = transcript.flatMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int }
        let cpu = await lifecycle.panePid().flatMap(ProcessTreeCPU.seconds(root:))
        let seen = AgentWatch.Observation(screen: text, dialog: screen.dialog, lastEventId: try await ledger.lastEventId(agent: runtime.name),
                                          transcriptBytes: bytes, cpuSeconds: cpu, turn: pending.first { $0.state != .queued },
                                          permissionPending: record.permission != nil)
        for finding in watch.observe(seen, at: now, settings: settings) {
            switch finding {
            case .escalate(let key, let what):
                let commands = isMayor
                    ? "`gw mayor attach` shows it; `gw mayor status` says what waits; `gw mayor restart` restarts it with its conversation."
                    : "`gw polecat show \(PolecatNames.name(ofAgent: runtime.name) ?? runtime.name)` says what it works on; `gw polecat kill` stops it."
                try await tell(key: key, title: "\(who) needs a look", text: """
                    \(who) \(what).
                    Its screen ends:
                    \(AgentLifecycle.tail(StartupDialog.hidingKeys(text), lines: 12))
                    \(commands)
                    """)
            case .stuck(let turn, let why):
                guard isMayor else {
                    environment.logger.warning("\(runtime.name)'s turn \(turn) is stuck (\(why)); failing it")
                    try await ledger.endTurn(turn, state: .failed, error: "stuck: \(why); the polecat was stopped", at: now)
                    try await tell(key: "stuck:\(turn)", title: "\(who) was stuck and stopped",
                                   text: "Its task (turn \(turn)) showed \(why). Gateway failed it; its worktree is kept.")
                    return
                }
                environment.logger.warning("the Mayor's turn \(turn) is stuck (\(why)); restarting the Mayor with its conversation")
                try await ledger.endTurn(turn, state: .failed, error: "stuck: \(why); the Mayor was restarted with its conversation", at: now)
                _ = try await lifecycle.stop()
                _ = try await lifecycle.start()
                try await tell(key: "stuck:\(turn)", title: "The Mayor was stuck and restarted",
                               text: "Turn \(turn) showed \(why). Gateway failed the turn and restarted the Mayor with its conversation.")
                watch = AgentWatch(at: environment.clock.now())
            }
        }
    }

    func tell(key: String, title: String, text: String) async throws {
        try await OwnerAlert(runtime: .mayor(environment: environment, town: runtime.town, settings: runtime.settings), ledger: ledger).send(source: "watchdog:\(runtime.name):\(key)", title: title, text: text)
    }
}
