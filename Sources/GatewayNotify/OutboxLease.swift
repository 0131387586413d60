import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The right to deliver a town's outbox: an exclusive flock on `.gateway/outbox.lock`, held by the
/// daemon for its life or by `gw notify send` while it delivers. The kernel drops it when the holder
/// dies, so a worker that gets it knows every `sending` row belongs to a dead one.
public final class OutboxLease: @unchecked Sendable {
    private let held: HeldFileLock

    private init(_ held: HeldFileLock) { self.held = held }

    public static func file(for town: Town) -> URL { town.runtimeDirectory.appendingPathComponent("outbox.lock") }

    /// Takes the lease, waiting until `deadline` of `clock` at most; nil when another worker kept it.
    public static func acquire(_ url: URL, until deadline: Date, clock: any WallClock) async throws -> OutboxLease? {
        try await HeldFileLock.take(url, until: deadline, clock: clock).map(OutboxLease.init)
    }

    public func release() { held.release() }
}

extension Town {
    /// The daemon's pid when one runs: `.gateway/daemon.pid` naming a live process.
    public func runningDaemonPID() -> Int32? { DaemonPidFile.runningPid(self) }
}
