import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayNotify
import GatewayAgents
import GatewayWork

/// The daemon's Mayor service: starts the Mayor if absent, checks its health every `[daemon]
/// health_check`, delivers queued turns, and tells the owner when the Mayor is in a crash loop.
///
/// tmux's pane-died hook (`gw agent-died`) restarts a crashed Mayor at once; the health check is the
/// safety net for what the hook cannot see (a killed tmux server, a disabled hook, a handler that died
/// mid-backoff). Both go through `AgentReviver`, which holds the lifecycle lock and re-checks the
/// agent's state, so one death is never restarted or counted twice.
public struct MayorSupervisor: Service {
    let lifecycle: AgentLifecycle
    let settings: DaemonSettings
    let urgentTargets: [String]
    let polecats: PolecatSettings
    let logger: Logger

    public init(lifecycle: AgentLifecycle, settings: DaemonSettings, urgentTargets: [String], polecats: PolecatSettings, logger: Logger) {
        self.lifecycle = lifecycle
        self.settings = settings
        self.urgentTargets = urgentTargets
        self.polecats = polecats
        self.logger = logger
    }

    var runtime: AgentRuntime { lifecycle.runtime }

    public func run() async throws {
        let ledger = try runtime.openLedger()
        await startIfAbsent(ledger: ledger)
        // Separate loops, so a long delivery (waiting for a busy Mayor) never delays the health check.
        await withDiscardingTaskGroup { group in
            group.addTask { await healthLoop(ledger: ledger) }
            group.addTask { await deliveryLoop(ledger: ledger) }
            group.addTask { await polecatLoop() }
        }
        logger.info("mayor supervisor stopped")
    }

    /// Starts the Mayor unless it runs, or was stopped or crash-looped on purpose before.
    func startIfAbsent(ledger: Ledger) async {
        do {
            let state = try await ledger.agent(runtime.name)?.state
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

    func healthLoop(ledger: Ledger) async {
        var downSince: Date?
        while await DaemonPause.sleep(settings.healthCheck.seconds) {
            do {
                downSince = try await checkHealth(ledger: ledger, downSince: downSince)
            } catch {
                logger.error("the Mayor's health check failed: \(error.userMessage)")
            }
        }
    }

    /// One look at the Mayor; returns since when it has been seen not running while recorded dead or
    /// starting, so a handler or starter that died is noticed.
    func checkHealth(ledger: Ledger, downSince: Date?) async throws -> Date? {
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
        if await lifecycle.isRunning() { return nil }
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
            let now = Date()
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
            let now = Date()
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
        guard !urgentTargets.isEmpty else {
            logger.warning("the Mayor is in a crash loop and [heartbeat] urgent names no target to tell")
            return
        }
        let episode = record.startedAt.map { String(Int64($0.timeIntervalSince1970 * 1000)) } ?? "unknown"
        for target in urgentTargets {
            let request = NotificationRequest(
                source: "crashloop:\(runtime.name):\(episode)", target: target,
                title: "Gateway: the Mayor is in a crash loop",
                text: "\(record.note ?? "it crashed too often") Read `gw mayor status`, then `gw mayor restart`.",
                priority: .urgent)
            let (entry, inserted) = try await ledger.enqueueNotification(request, now: Date())
            if inserted { logger.warning("the Mayor is in a crash loop; queued notification \(entry.id) to \(target)") }
        }
    }

    /// Finishes polecats whose turns ended, fails dead ones, and starts queued slings when a slot frees.
    func polecatLoop() async {
        let every = max(settings.poll.seconds, 2)
        while await DaemonPause.sleep(every) {
            do {
                try await PolecatSupervisor(environment: runtime.environment, town: runtime.town, settings: polecats, agents: runtime.settings).reconcile()
            } catch {
                logger.error("reconciling polecats failed: \(error.userMessage)")
            }
        }
    }

    /// Whether a turn in flight may have been left half done by a delivery that died; delivery then
    /// finishes it (`TurnDelivery.resumeInterrupted`). With hooks: still `sent` well after its Enter,
    /// perhaps pasted but never submitted. Read from the screen: no delivery holds the lock, so nothing
    /// watches the screen for its end.
    func leftByADeadDelivery(_ turn: Turn) -> Bool {
        switch runtime.profile.completion {
        case .hooks: turn.state == .sent && Date().timeIntervalSince(turn.sentAt ?? .distantPast) > runtime.settings.mayor.submitTimeout.seconds
        case .screen: !FileLock.isHeld(runtime.deliveryLock)
        }
    }

    func deliveryLoop(ledger: Ledger) async {
        while await DaemonPause.sleep(settings.poll.seconds) {
            do {
                let inFlight = try await ledger.turnInFlight(agent: runtime.name)
                let interrupted = inFlight.map(leftByADeadDelivery) ?? false
                guard try await ledger.nextQueuedTurn(agent: runtime.name) != nil || interrupted else { continue }
                if try await ledger.agent(runtime.name)?.state == .crashLoop { continue }
                // A short deadline: a busy Mayor defers the turn to the next round, and shutdown never
                // waits long for a delivery.
                try await TurnDelivery(lifecycle: lifecycle).deliverQueued(deadline: Date().addingTimeInterval(5))
            } catch let deferred as DeliveryDeferred {
                logger.debug("queued turns wait: \(deferred.reason)")
            } catch {
                logger.error("delivering queued turns failed: \(error.userMessage)")
            }
        }
    }
}
