import Foundation
import GatewayCore

/// What `gw notify send` and `gw notify test` do: put a notification in the outbox, then deliver it
/// unless a daemon is running to do that.
public struct NotifyService: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let settings: NotifySettings

    public init(environment: GatewayEnvironment, town: Town, settings: NotifySettings) {
        self.environment = environment
        self.town = town
        self.settings = settings
    }

    /// How a send ended.
    public struct Outcome: Sendable, Codable, Equatable {
        /// `delivered`, `failed`, `queued` (the daemon delivers it) or `waiting` (not done by the timeout;
        /// it stays in the outbox and the next worker delivers it).
        public var status: String
        /// False when the key was already in the outbox.
        public var enqueued: Bool
        public var entry: OutboxEntry
        public var daemonPID: Int32?
    }

    /// Enqueues `request` and, when no daemon runs, delivers the outbox until it is done or `timeout` passes.
    public func send(_ request: NotificationRequest, timeout: TimeInterval) async throws -> Outcome {
        try settings.requireTarget(request.target)
        let ledger = try environment.ledger(town)
        let (entry, inserted) = try await ledger.enqueueNotification(request, now: environment.clock.now())
        return try await deliver(entry, inserted: inserted, ledger: ledger, timeout: timeout)
    }

    /// Delivers `entry`, just enqueued, unless a daemon runs to do that; gives up waiting after `timeout`.
    public func deliver(_ entry: OutboxEntry, inserted: Bool, ledger: Ledger, timeout: TimeInterval) async throws -> Outcome {
        if let pid = town.runningDaemonPID() {
            DaemonDoorbell(town: town).ring(.outbox)
            return Outcome(status: "queued", enqueued: inserted, entry: entry, daemonPID: pid)
        }
        let deadline = environment.clock.now().addingTimeInterval(timeout)
        guard let lease = try await OutboxLease.acquire(OutboxLease.file(for: town), until: deadline, clock: environment.clock) else {
            return Outcome(status: "waiting", enqueued: inserted, entry: entry, daemonPID: nil)
        }
        defer { lease.release() }
        let worker = OutboxWorker(town: town, settings: settings, ledger: ledger, environment: environment)
        try await worker.recover(lease)
        let final = try await worker.deliver([entry.id], until: deadline, lease: lease).first ?? entry
        let status = switch final.state {
        case .delivered: "delivered"
        case .failed: "failed"
        default: "waiting"
        }
        return Outcome(status: status, enqueued: inserted, entry: final, daemonPID: nil)
    }

    /// Delivers whatever is due now (after `gw notify retry`), when no daemon does.
    public func deliverPending(timeout: TimeInterval) async throws -> OutboxWorker.Round? {
        guard town.runningDaemonPID() == nil else {
            DaemonDoorbell(town: town).ring(.outbox)
            return nil
        }
        let ledger = try environment.ledger(town)
        let deadline = environment.clock.now().addingTimeInterval(timeout)
        guard let lease = try await OutboxLease.acquire(OutboxLease.file(for: town), until: deadline, clock: environment.clock) else { return nil }
        defer { lease.release() }
        let worker = OutboxWorker(town: town, settings: settings, ledger: ledger, environment: environment)
        try await worker.recover(lease)
        return try await worker.deliverDue(now: environment.clock.now(), deadline: deadline, lease: lease)
    }

    /// Problems with every target's secrets, for `gw config check`.
    public static func secretProblems(_ settings: NotifySettings, town: Town, variables: [String: String]) -> [ConfigProblem] {
        settings.targets.keys.sorted().flatMap { name in
            settings.targets[name]!.secrets.compactMap { $0.problem(variables: variables, root: town.root, file: Town.configFileName) }
        }
    }
}
