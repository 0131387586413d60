import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayAgents
import GatewayWork
import GatewayMemory

/// The daemon's one owner of turn delivery: every turn queued for the Mayor (chat, heartbeat, sling
/// reports, the memory flush) and every polecat's task is sent from here, one at a time, with the same
/// `TurnDelivery` a command uses when no daemon runs. Whatever queues a turn — a `gw` command, a hook,
/// another service — only wakes it.
///
/// It is woken by events: a turn queued, a hook recorded (a turn taken or ended). A busy agent defers
/// the queue at once instead of being watched: the turn in flight ends by its hook (or at its timeout,
/// the one deadline kept), and what only the screen shows (someone typing, a dialog) is looked at again
/// after a short backoff. The safety sweep (`[daemon] poll`) finds a turn whose poke was lost.
struct TurnBroker: Service {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment
    var logger: Logger { environment.logger }
    var town: Town { config.town }

    func run() async throws {
        let ledger = try environment.ledger(town)
        var backoff = Backoff()
        while true {
            let seen = events.broker.count
            let next = await round(ledger: ledger, backoff: &backoff)
            let sweep = environment.clock.now().addingTimeInterval(config.current.gateway.daemon.poll.seconds)
            guard await DaemonPause.wait(for: events.broker, after: seen, until: min(next ?? sweep, sweep), on: environment.clock) else { break }
        }
        logger.info("turn broker stopped")
    }

    /// Delivers what can go now; returns when to look again at the latest (nil: only on an event).
    func round(ledger: Ledger, backoff: inout Backoff) async -> Date? {
        let gateway = config.current.gateway
        let mayor = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: gateway))
        let bookkeeping = ReplyBookkeeping(environment: environment, town: town, claudeHome: mayor.runtime.claudeHome) { gateway.memoryConfig }
        let finished = await finishReplies(ledger: ledger, bookkeeping: bookkeeping)
        var next = await deliver(to: mayor, ledger: ledger, backoff: &backoff.mayor)
        if !finished.turns.isEmpty {
            // Once the next turn is on its way (they would compete with it for the ledger and the CPU):
            // whoever waited for the finished turns — the Mayor's heartbeat — and the usage reader, whose
            // tokens are in the transcript now.
            events.scheduler.ring()
            events.usage.ring()
        }
        // The session logs the finished turns wrote, read into the search index once the next turn is on
        // its way: it is derived data, and a search meanwhile reads a file it has not indexed.
        bookkeeping.refreshIndex(finished.unindexed)
        do {
            let polecats = PolecatSupervisor(environment: environment, town: town, settings: gateway.polecats,
                                             agents: gateway.agentSettings, handOff: handOff)
            for lifecycle in try await polecats.queuedDeliveries() {
                var wait = backoff.polecats[lifecycle.runtime.name] ?? Backoff.Delay()
                next = earliest(next, await deliver(to: lifecycle, ledger: ledger, backoff: &wait))
                backoff.polecats[lifecycle.runtime.name] = wait
            }
        } catch {
            logger.error("looking for polecats' queued tasks failed: \(error.userMessage)")
        }
        return next
    }

    /// The Mayor's answered turns whose Stop hook left the rest to the daemon: extracted, committed and
    /// marked done here, before the next turn goes (the extraction reads the transcript to its end).
    /// Returns what was finished and the session logs left for the search index.
    func finishReplies(ledger: Ledger, bookkeeping: ReplyBookkeeping) async -> ReplyBookkeeping.Finished {
        do {
            let finished = try await bookkeeping.finishAllLeavingIndex(ledger: ledger)
            if !finished.turns.isEmpty {
                logger.debug("finished replied turns \(finished.turns.map(String.init).joined(separator: ", "))")
            }
            return finished
        } catch {
            logger.error("finishing the Mayor's replied turns failed: \(error.userMessage)")
            return .init()
        }
    }

    /// What the daemon's services hand their queued turns to: this broker, woken.
    var handOff: TurnHandOff { .broker { [events] in events.broker.ring() } }

    /// One agent's queue: finishes what a dead delivery left, then sends what waits, as far as the agent
    /// is ready. Returns the agent's next deadline: its turn's timeout, or a backoff.
    func deliver(to lifecycle: AgentLifecycle, ledger: Ledger, backoff: inout Backoff.Delay) async -> Date? {
        let runtime = lifecycle.runtime
        let delivery = TurnDelivery(lifecycle: lifecycle, hooks: .announced(by: events.hooks))
        do {
            let inFlight = try await ledger.turnInFlight(agent: runtime.name)
            if let inFlight, try await delivery.expireIfOverdue(inFlight, ledger: ledger) {
                // Whoever waited for it (a beat, a polecat) acts on its end.
                events.scheduler.ring()
                events.polecats.ring()
                return environment.clock.now()
            }
            let interrupted = inFlight.map { leftByADeadDelivery($0, runtime: runtime) } ?? false
            let next = try await ledger.nextQueuedTurn(agent: runtime.name)
            guard next != nil || interrupted else { return inFlight.map { deadline(of: $0, runtime: runtime) } }
            if try await ledger.agent(runtime.name)?.state == .crashLoop { return nil }
            if inFlight == nil, let next { logger.debug("delivering \(runtime.name)'s queue, turn \(next.id) first") }
            // One look: a busy agent defers the queue at once, and an event brings the broker back.
            try await delivery.deliverQueued(deadline: environment.clock.now())
            backoff.reset()
            return nil
        } catch let deferred as DeliveryDeferred {
            logger.debug("\(runtime.name)'s queued turns wait: \(deferred.reason)")
            if let turn = deferred.turn {
                backoff.reset()
                return deadline(of: turn, runtime: runtime)
            }
            if let until = deferred.until {
                backoff.reset()
                return until
            }
            return environment.clock.now().addingTimeInterval(backoff.next())
        } catch {
            logger.error("delivering \(runtime.name)'s queued turns failed: \(error.userMessage)")
            return environment.clock.now().addingTimeInterval(backoff.next())
        }
    }

    /// When a turn in flight needs a look without any event: at its timeout, or — pasted and not yet
    /// taken — when a delivery that died would have given up on it.
    func deadline(of turn: Turn, runtime: AgentRuntime) -> Date {
        let sent = turn.sentAt ?? environment.clock.now()
        let timeout = sent.addingTimeInterval(runtime.settings.mayor.turnTimeout.seconds)
        guard turn.state == .sent, runtime.profile.completion == .hooks else { return timeout }
        // First when a dead delivery would have pressed Enter again; past that, when its late hook is
        // given up on (`MayorSettings.submitGrace`).
        let retry = sent.addingTimeInterval(runtime.settings.mayor.submitTimeout.seconds + 0.5)
        let giveUp = sent.addingTimeInterval(runtime.settings.mayor.submitGrace + 0.5)
        return min(timeout, environment.clock.now() < retry ? retry : giveUp)
    }

    /// Whether a turn in flight may have been left half done by a delivery that died; delivery then
    /// finishes it (`TurnDelivery.resumeInterrupted`). With hooks: still `sent` well after its Enter,
    /// perhaps pasted but never submitted. Read from the screen: no delivery holds the lock, so nothing
    /// watches the screen for its end.
    func leftByADeadDelivery(_ turn: Turn, runtime: AgentRuntime) -> Bool {
        switch runtime.profile.completion {
        case .hooks: turn.state == .sent && environment.clock.now().timeIntervalSince(turn.sentAt ?? .distantPast) > runtime.settings.mayor.submitTimeout.seconds
        case .screen: !FileLock.isHeld(runtime.deliveryLock)
        }
    }

    func earliest(_ first: Date?, _ second: Date?) -> Date? {
        [first, second].compactMap { $0 }.min()
    }

    /// How long to wait before looking again at a screen that held the queue back, per agent: every
    /// few milliseconds at first — right after a turn ends the agent redraws its idle prompt within
    /// tens of milliseconds of its hooks returning — then longer, while someone keeps typing.
    struct Backoff {
        struct Delay {
            var looks = 0
            static let first: TimeInterval = 0.01
            static let quickLooks = 10
            static let longest: TimeInterval = 2

            mutating func next() -> TimeInterval {
                defer { looks += 1 }
                return min(Self.first * pow(2, Double(max(0, looks - Self.quickLooks + 1))), Self.longest)
            }

            mutating func reset() { looks = 0 }
        }

        var mayor = Delay()
        var polecats: [String: Delay] = [:]
    }
}
