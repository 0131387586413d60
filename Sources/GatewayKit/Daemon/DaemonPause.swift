import Foundation
import ServiceLifecycle
import GatewayCore

/// The daemon's only ways to wait — a timer, or an event with a deadline — both cut short by graceful
/// shutdown (SIGTERM), so every loop ends promptly while work already started (a beat, a delivery) is
/// left to finish. Every timed wait of the daemon goes through here, on the environment's clock.
enum DaemonPause {
    /// Sleeps `seconds`; returns false when the daemon is shutting down and the loop should end.
    static func sleep(_ seconds: TimeInterval, on clock: any WallClock) async -> Bool {
        if shuttingDown { return false }
        do {
            let deadline = clock.now().addingTimeInterval(max(0, min(seconds, 366 * 86_400)))
            try await cancelWhenGracefulShutdown { try await clock.sleep(until: deadline) }
        } catch {
            // Cancelled: graceful shutdown (or the group's cancellation) ended the sleep early.
        }
        return !shuttingDown
    }

    /// Waits until `wakeup` rings after `seen` (the count read before the service last looked) or
    /// `deadline` comes; returns false when the daemon is shutting down.
    static func wait(for wakeup: Wakeup, after seen: UInt64, until deadline: Date, on clock: any WallClock) async -> Bool {
        if shuttingDown { return false }
        // Graceful shutdown cancels the wait, which then returns at once.
        await cancelWhenGracefulShutdown {
            _ = await wakeup.wait(after: seen) { try await clock.sleep(until: deadline) }
        }
        return !shuttingDown
    }

    static var shuttingDown: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}
