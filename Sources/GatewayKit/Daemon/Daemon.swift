import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayAgents
import GatewayHeartbeat

/// `gw daemon run`: one process per town that supervises the Mayor, runs the heartbeat and delivers
/// notifications. A `ServiceGroup` of small services started in dependency order — the ledger's
/// backups first, then the outbox
/// (everything else may queue notifications), then the Mayor, then the heartbeat that talks to it —
/// and stopped gracefully in reverse on SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public let town: Town
    public let config: GatewayConfig
    let environment: GatewayEnvironment
    let log: DaemonLog

    /// Takes the town's daemon lock (writing the pid file) and opens the log; throws when another daemon
    /// runs. `environment`'s output and logger are replaced by the log's.
    public static func prepare(town: Town, environment base: GatewayEnvironment, verbose: Bool) async throws -> (Daemon, DaemonLock) {
        let config = try town.loadConfig()
        let log = try DaemonLog(url: DaemonLog.file(for: town))
        EarlyStop.arm()
        let lock = try await DaemonLock.acquire(town)
        var environment = base
        environment.logger = log.logger(level: verbose ? .debug : .info)
        // What a command would print (a console notification) belongs in the log when nobody watches.
        environment.output = DaemonLogOutput(log: log)
        return (Daemon(town: town, config: config, environment: environment, log: log), lock)
    }

    public var logger: Logger { environment.logger }

    /// The services, in start order.
    public func services(startedAt: Date) -> [any Service] {
        let mayor = AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config))
        return [
            // First, so the backup taken at start holds the ledger as the last run left it.
            LedgerBackupService(town: town, environment: environment),
            OutboxService(town: town, notify: config.notify, environment: environment, settings: config.daemon),
            MayorSupervisor(lifecycle: mayor, settings: config.daemon, urgentTargets: config.heartbeat.urgentTargets, polecats: config.polecats, logger: logger),
            SchedulerService(runner: BeatRunner(environment: environment, town: town, startedAt: startedAt), settings: config.daemon, logger: logger),
        ]
    }

    /// Runs until SIGTERM or SIGINT, then drains: each service finishes the work it started.
    public func run(lock: DaemonLock) async throws {
        let startedAt = environment.clock.now()
        logger.info("daemon started, pid \(getpid()), town \(town.root.path)")
        defer {
            lock.release()
            logger.info("daemon stopped")
        }
        // Before any service writes to a hook, so a crash's leftovers are committed as what they are.
        await recoverHooks()
        var configuration = ServiceGroupConfiguration(
            services: services(startedAt: startedAt).map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // A service stuck past this is cancelled, so a stop never hangs (`gw daemon stop` would SIGKILL).
        configuration.maximumGracefulShutdownDuration = .seconds(60)
        let group = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // A stop asked for while the group was starting: honour it gracefully. After the first
            // seconds the group's own handlers have long been installed; this task then just waits
            // (never returning, which would end the group) until the group is done.
            tasks.addTask {
                for _ in 0..<40 where !EarlyStop.wasRequested { try await Task.sleep(nanoseconds: 250_000_000) }
                if EarlyStop.wasRequested { await group.triggerGracefulShutdown() }
                while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
            }
            // The first to finish is the group; the waiting task is then cancelled.
            try await tasks.next()
            tasks.cancelAll()
        }
    }
}
