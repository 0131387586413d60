import Foundation
import GatewayCore
import GatewayNotify

/// Tells the owner about an agent's trouble (a crash loop, a permission it waits for) through the
/// outbox, to the heartbeat's urgent targets. Queued only: the daemon's outbox worker, or the next
/// `gw notify send`, delivers it; a hook or a dying pane's handler must not wait on the network.
package struct OwnerAlert {
    let runtime: AgentRuntime
    let ledger: Ledger

    package init(runtime: AgentRuntime, ledger: Ledger) {
        self.runtime = runtime
        self.ledger = ledger
    }

    package func send(source: String, title: String, text: String) async throws {
        let targets = runtime.settings.alertTargets
        for target in targets {
            _ = try await ledger.enqueueNotification(
                NotificationRequest(source: source, target: target, title: title, text: text, priority: .urgent),
                now: runtime.environment.clock.now())
        }
        // The daemon's outbox worker delivers it now rather than at its next sweep.
        if !targets.isEmpty { DaemonDoorbell(town: runtime.town).ring(.outbox) }
        if targets.isEmpty {
            runtime.environment.logger.warning("\(title) — no notify targets are configured to tell the owner ([heartbeat] urgent or notify)")
        }
    }
}
