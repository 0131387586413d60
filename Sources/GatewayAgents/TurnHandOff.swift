import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who sends the turns a process queues. In the daemon one broker delivers every turn, so whatever
/// queues one there only wakes it. Anywhere else a command delivers its turns itself, with the same
/// code — unless a daemon runs, which is then poked to do it.
public enum TurnHandOff: Sendable {
    /// A `gw` command: deliver here when no daemon runs, else poke the daemon.
    case command
    /// Inside the daemon: `wake` tells its broker there is work.
    case broker(wake: @Sendable () -> Void)
}

extension TurnDelivery {
    /// Delivers the agent's queued turns the way `handOff` says; `deadline` bounds a command's own
    /// delivery (`deliverQueued`), which throws `DeliveryDeferred` when the agent stays busy.
    public func handOff(_ handOff: TurnHandOff, deadline: Date) async throws {
        switch handOff {
        case .broker(let wake):
            wake()
        case .command:
            if let daemon = DaemonPidFile.runningPid(runtime.town), daemon != getpid() {
                DaemonDoorbell(town: runtime.town).ring(.turns)
                return
            }
            try await deliverQueued(deadline: deadline)
        }
    }
}
