import Foundation
import GatewayCore
import GatewayWork

/// What wakes each of the daemon's services: pokes from other `gw` processes (`DoorbellListener`), a
/// changed config, and the services themselves when one queues work for another. Each service waits on
/// its own `Wakeup` and, when woken, looks at the ledger — the record — for what to do. Timers remain
/// only for real deadlines (the next beat, a backoff, a timeout) and a slow safety sweep.
final class DaemonEvents: Sendable {
    /// The turn broker: a turn was queued, taken or ended.
    let broker = Wakeup()
    /// A delivery waiting for its turn's UserPromptSubmit hook.
    let hooks = Wakeup()
    /// The outbox worker: a notification was queued.
    let outbox = Wakeup()
    /// The heartbeat scheduler: a beat's turn ended, or `gw heartbeat now` recorded a beat.
    let scheduler = Wakeup()
    /// The polecat service: a polecat's turn moved, a sling was queued.
    let polecats = Wakeup()
    /// The config service: gateway.toml or HEARTBEAT.md changed, or SIGHUP.
    let config = Wakeup()
    /// The chat poller: its settings may have changed.
    let chat = Wakeup()
    /// The chat's conversation: a message was stored, or a turn moved (its answer may have come).
    let conversation = Wakeup()
    /// The usage reader: a turn ended, its tokens are in the transcript.
    let usage = Wakeup()

    /// Routes one poke to the services it concerns.
    func received(_ poke: DoorbellListener.Poke) {
        switch poke.topic {
        case .hook:
            // A turn taken (a delivery waits for that), or an agent ready for the next one.
            hooks.ring()
            broker.ring()
            conversation.ring()
        case .ended:
            hooks.ring()
            broker.ring()
            conversation.ring()
            usage.ring()
            // Who waited for the turn: a polecat's supervisor, or the Mayor's heartbeat.
            if let agent = poke.agent, agent.hasPrefix(PolecatNames.agentPrefix) { polecats.ring() } else { scheduler.ring() }
        case .turns:
            broker.ring()
        case .outbox:
            outbox.ring()
        case .heartbeat:
            scheduler.ring()
            broker.ring()
        case .polecats:
            polecats.ring()
            broker.ring()
        case .budget:
            scheduler.ring()
            polecats.ring()
            conversation.ring()
        case .chat:
            conversation.ring()
        case nil:
            everything()
        }
    }

    /// A new config: every service looks again with it.
    func everything() {
        for wakeup in [broker, hooks, outbox, scheduler, polecats, chat, conversation, usage] { wakeup.ring() }
    }
}
