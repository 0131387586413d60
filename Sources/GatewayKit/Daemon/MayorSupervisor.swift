import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayNotify
import GatewayAgents
import GatewayWork

/// The daemon's Mayor service: starts the Mayor if absent, checks its health every `[daemon]
/// health_check`, and tells the owner when the Mayor is in a crash loop. (Its turns are the broker's:
/// `TurnBroker`.)
///
/// tmux's pane-died hook (`gw agent-died`) restarts a crashed Mayor at once; the health check is the
/// safety net for what the hook cannot see (a killed tmux server, a disabled hook, a handler that died
/// mid-backoff). Both go through `AgentReviver`, which holds the lifecycle lock and re-checks the
/// agent's state, so one death is never restarted or counted twice.
struct MayorSupervisor: Service {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment
    var logger: Logger { environment.logger }
    var town: Town { config.town }

    /// The Mayor as the current config describes it, made again for each look.
    var lifecycle: AgentLifecycle { AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config.current.gateway)) }
    var settings: DaemonSettings { config.current.gateway.daemon }

    func run() async throws {
        let ledger = try environment.ledger(town)
        await startIfAbsent(ledger: ledger)
        var downSince: Date?
        // The first look asks tmux now, so that the first health check already has a proof to check.
        var liveness = AgentLivenessCheck()
        _ = await liveness.isRunning(lifecycle)
        var watches: [String: AgentWatch] = [:]
        while await DaemonPause.sleep(settings.healthCheck.seconds, on: environment.clock) {
            do {
                downSince = try await checkHealth(ledger: ledger, downSince: downSince, liveness: &liveness)
                try await watchAgents(ledger: ledger, watches: &watches)
            } catch {
                logger.error("the Mayor's health check failed: \(error.userMessage)")
            }
        }
        logger.info("mayor supervisor stopped")
    }

    /// One look of the watchdog at the Mayor and every running polecat (`AgentWatchdog`); a turn it
    /// failed wakes whoever waited for it.
    func watchAgents(ledger: Ledger, watches: inout [String: AgentWatch]) async throws {
        // An idle town costs one query a health check.
        guard try await ledger.anyTurnPending() else {
            watches = [:]
            return
        }
        let gateway = config.current.gateway
        let polecats = try await PolecatSupervisor(environment: environment, town: town, config: gateway).runningPolecats()
        let agents = [lifecycle] + polecats
        watches = watches.filter { name, _ in agents.contains { $0.runtime.name == name } }
        for agent in agents {
            let name = agent.runtime.name
            let inFlight = try await ledger.turnInFlight(agent: name)?.id
            var watch = watches[name] ?? AgentWatch(at: environment.clock.now())
            try await AgentWatchdog(lifecycle: agent, ledger: ledger).look(&watch)
            watches[name] = watch
            if let turn = inFlight, try await ledger.turn(turn)?.state.hasEnded == true {
                events.scheduler.ring()
                events.conversation.ring()
                events.polecats.ring()
                events.broker.ring()
            }
        }
    }

    /// Starts the Mayor unless it runs, or was stopped or crash-looped on purpose before.
    func startIfAbsent(ledger: Ledger) async {
        let lifecycle = self.lifecycle
        do {
            let state = try await ledger.agent(lifecycle.runtime.name)?.state
            if state == .crashLoop {
                logger.warning("the Mayor is in a crash loop; not starting it (`gw mayor restart` clears it)")
                return
            }
            switch try await lifecycle.start() {
            case .alreadyRunning: logger.info("the Mayor is running")
            case .started(let session, let resumed): logger.info("started the Mayor (\(resumed ? "resumed" : "new") session \(session))")
            }
        } catch {
            logger.error("could not start the Mayor: \(error.userMessage) — the health check tries again")
        }
    }

    /// One look at the Mayor; returns since when it has been seen not running while recorded dead or
    /// starting, so a handler or starter that died is noticed. Whether it runs is asked of tmux only
    /// when the processes tmux last named are no longer those running (`AgentLivenessCheck`): an idle
    /// town's check then spawns nothing.
    func checkHealth(ledger: Ledger, downSince: Date?, liveness: inout AgentLivenessCheck) async throws -> Date? {
        let lifecycle = self.lifecycle
        let runtime = lifecycle.runtime
        guard let record = try await ledger.agent(runtime.name) else {
            await startIfAbsent(ledger: ledger)
            return nil
        }
        if record.state == .crashLoop {
            try await notifyCrashLoop(record, ledger: ledger)
            // Every check that sees the loop says so, so a reader of the log (or a test) can tell that
            // checks went on after the episode was reported, and that it was reported once.
            logger.debug("health check: the Mayor is in a crash loop")
            return nil
        }
        if await liveness.isRunning(lifecycle) { return nil }
        switch record.state {
        case .running:
            // Its pane is dead or its session gone, and nobody recorded it: the hook did not run.
            logger.warning("the Mayor's pane is gone or dead and no handler noticed; reviving it")
            let decision = try await cancelWhenGracefulShutdown { try await AgentReviver(lifecycle: lifecycle).handleDeath() }
            logger.info("the Mayor's death was handled: \(decision)")
            if case .crashLoop = decision, let looped = try await ledger.agent(runtime.name) {
                try await notifyCrashLoop(looped, ledger: ledger)
            }
            return nil
        case .dead:
            // A handler is sleeping its backoff; only if it stays dead well past the longest backoff
            // did that handler die, and the restart is ours to do.
            let now = environment.clock.now()
            let since = downSince ?? now
            let patience = runtime.settings.mayor.restartBackoffMax.seconds + 2 * settings.healthCheck.seconds
            if now.timeIntervalSince(since) > patience {
                logger.warning("the Mayor has stayed dead for \(Int(now.timeIntervalSince(since))) s with no restart; restarting it")
                try await AgentReviver(lifecycle: lifecycle).restartIfStillDead()
                return nil
            }
            return since
        case .starting:
            // Its starter reports the outcome; a start that failed leaves it here, and after a whole
            // health-check period the daemon tries once more.
            let now = environment.clock.now()
            let since = downSince ?? now
            if now.timeIntervalSince(since) >= settings.healthCheck.seconds {
                await startIfAbsent(ledger: ledger)
                return nil
            }
            return since
        case .stopped, .crashLoop:
            // Someone chose that; `gw mayor start` or `gw mayor restart` ends it.
            return nil
        }
    }

    /// Queues one notification per crash-loop episode (the start that looped names it) to the heartbeat's
    /// urgent targets; the outbox's idempotency key makes a repeat a no-op.
    func notifyCrashLoop(_ record: AgentRecord, ledger: Ledger) async throws {
        let urgentTargets = config.current.gateway.heartbeat.urgentTargets
        guard !urgentTargets.isEmpty else {
            logger.warning("the Mayor is in a crash loop and [heartbeat] urgent names no target to tell")
            return
        }
        let episode = record.startedAt.map { String(Int64($0.timeIntervalSince1970 * 1000)) } ?? "unknown"
        for target in urgentTargets {
            let request = NotificationRequest(
                source: "crashloop:\(record.name):\(episode)", target: target,
                title: "Gateway: the Mayor is in a crash loop",
                text: "\(record.note ?? "it crashed too often") Read `gw mayor status`, then `gw mayor restart`.",
                priority: .urgent)
            let (entry, inserted) = try await ledger.enqueueNotification(request, now: environment.clock.now())
            if inserted { logger.warning("the Mayor is in a crash loop; queued notification \(entry.id) to \(target)") }
        }
        events.outbox.ring()
    }
}
