import Foundation
import GatewayCore

/// How a delivery hears that one of the agent's hooks landed in the ledger (UserPromptSubmit taking its
/// turn). In the daemon, `gw agent-event` pokes it through its socket and the poke rings `wakeup`; a
/// command delivering without a daemon has nothing to hear a poke with, and looks at the ledger every
/// `TurnDelivery.ledgerPoll` for the few seconds it waits.
public struct HookArrivals: Sendable {
    let wakeup: Wakeup?

    /// A command's waits: the ledger is read every `TurnDelivery.ledgerPoll`.
    public static let polled = HookArrivals(wakeup: nil)

    /// The daemon's waits: until `wakeup` rings.
    public static func announced(by wakeup: Wakeup) -> HookArrivals { HookArrivals(wakeup: wakeup) }

    /// Read before looking at the ledger; pass to `wait(after:until:)`.
    func mark() -> UInt64 { wakeup?.count ?? 0 }

    /// Returns when a hook may have landed since `mark`, or at `deadline`.
    func wait(after mark: UInt64, until deadline: Date, clock: any WallClock) async throws {
        let now = clock.now()
        guard now < deadline else { return }
        guard let wakeup else {
            return try await clock.sleep(until: min(now.addingTimeInterval(TurnDelivery.ledgerPoll.timeInterval), deadline))
        }
        _ = await wakeup.wait(after: mark) { try await clock.sleep(until: deadline) }
        try Task.checkCancellation()
    }
}
