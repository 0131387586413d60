import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayAgents
import GatewayWork

/// The daemon's polecat service: finishes polecats whose turns ended, fails dead ones and starts queued
/// slings when a slot frees (`PolecatSupervisor.reconcile`). Woken by a polecat's hook, a sling queued
/// or a turn timed out; the sweep (`[daemon] poll`) also removes the worktrees of merged polecats, the
/// one part that runs git, and catches a turn timeout no event announced.
struct PolecatService: Service {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment
    let handOff: TurnHandOff
    var logger: Logger { environment.logger }

    func run() async throws {
        var sweep = environment.clock.now()
        while true {
            let seen = events.polecats.count
            let now = environment.clock.now()
            let sweeping = now >= sweep
            if sweeping { sweep = now.addingTimeInterval(config.current.gateway.daemon.poll.seconds) }
            do {
                let gateway = config.current.gateway
                try await PolecatSupervisor(environment: environment, town: config.town, settings: gateway.polecats,
                                            agents: gateway.agentSettings, handOff: handOff, budget: gateway.budgetGate).reconcile(removeMerged: sweeping)
                // A polecat's end queues the Mayor's report (handed to the broker) and may queue alerts.
                events.outbox.ring()
            } catch {
                logger.error("reconciling polecats failed: \(error.userMessage)")
            }
            guard await DaemonPause.wait(for: events.polecats, after: seen, until: sweep, on: environment.clock) else { break }
        }
        logger.info("polecat service stopped")
    }
}
