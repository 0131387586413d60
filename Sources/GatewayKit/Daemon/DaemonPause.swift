import Foundation
import ServiceLifecycle

/// The daemon's only way to wait: a `Task.sleep` that graceful shutdown (SIGTERM) cuts short, so every
/// loop ends promptly while work already started (a beat, a delivery) is left to finish.
enum DaemonPause {
    /// Sleeps `seconds`; returns false when the daemon is shutting down and the loop should end.
    static func sleep(_ seconds: TimeInterval) async -> Bool {
        if shuttingDown { return false }
        do {
            try await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            }
        } catch {
            // Cancelled: graceful shutdown (or the group's cancellation) ended the sleep early.
        }
        return !shuttingDown
    }

    static var shuttingDown: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}
