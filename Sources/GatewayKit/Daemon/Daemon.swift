import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayAgents
import GatewayHeartbeat
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `gw daemon run`: one process per town that supervises the Mayor, runs the heartbeat and delivers
/// turns and notifications. A `ServiceGroup` of small services started in dependency order — the
/// ledger's backups, the config watcher (the others read the config it keeps current), the outbox
/// (everything else may queue notifications), the Mayor, the turn broker that talks to it, the
/// polecats, then the heartbeat — and stopped gracefully in reverse on SIGTERM or SIGINT.
///
/// Services wait for events, not on timers: other `gw` processes poke the daemon through
/// `.gateway/daemon.sock` (`DaemonDoorbell`), the config watcher hears of edits from the kernel, and
/// services wake each other in-process (`DaemonEvents`).
public struct Daemon: Sendable {
    public let town: Town
    /// gateway.toml and HEARTBEAT.md, read once here and again only when they change.
    public let config: DaemonConfig
    let environment: GatewayEnvironment
    let log: DaemonLog
    let events = DaemonEvents()

    /// Takes the town's daemon lock (writing the pid file) and opens the log; throws when another daemon
    /// runs or gateway.toml has a problem. `environment`'s output and logger are replaced by the log's.
    public static func prepare(town: Town, environment base: GatewayEnvironment, verbose: Bool) async throws -> (Daemon, DaemonLock) {
        let config = try DaemonConfig(town: town)
        let log = try DaemonLog(url: DaemonLog.file(for: town))
        EarlyStop.arm()
        // SIGHUP reloads the config (`ConfigService`); until its handler runs, one must not end the daemon.
        signal(SIGHUP, SIG_IGN)
        let lock = try await DaemonLock.acquire(town, clock: base.clock)
        var environment = base
        environment.logger = log.logger(level: verbose ? .debug : .info)
        // What a command would print (a console notification) belongs in the log when nobody watches.
        environment.output = DaemonLogOutput(log: log)
        return (Daemon(town: town, config: config, environment: environment, log: log), lock)
    }

    public var logger: Logger { environment.logger }

    /// The services, in start order.
    func services(startedAt: Date) -> [any Service] {
        let broker = TurnBroker(config: config, events: events, environment: environment)
        let runner = BeatRunner(environment: environment, town: town, startedAt: startedAt,
                                config: { [config] in config.current.gateway.heartbeatConfig },
                                document: { [config] in try config.current.heartbeatDocument() },
                                handOff: broker.handOff)
        return [
            // First, so the backup taken at start holds the ledger as the last run left it.
            LedgerBackupService(town: town, environment: environment),
            ConfigService(config: config, events: events, environment: environment),
            OutboxService(config: config, environment: environment, wakeup: events.outbox),
            MayorSupervisor(config: config, events: events, environment: environment),
            broker,
            PolecatService(config: config, events: events, environment: environment, handOff: broker.handOff),
            SchedulerService(runner: runner, config: config, events: events),
            ChatService(config: config, events: events, environment: environment),
            ChatConversation(config: config, events: events, environment: environment, runner: runner),
            UsageService(events: events, environment: environment, town: town),
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
        // Bound before the services' first look at the ledger: what is queued after it is heard, what
        // was queued before it is found by that first look.
        let doorbell = listen()
        defer { doorbell?.cancel() }
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
                let clock = environment.clock
                for _ in 0..<40 where !EarlyStop.wasRequested { try await clock.sleep(for: .milliseconds(250)) }
                if EarlyStop.wasRequested { await group.triggerGracefulShutdown() }
                // Started and settled: what only starting read of the program and its libraries need not
                // stay counted as the idle daemon's memory.
                let started = ContinuousClock.now
                let released = StartupPages.release()
                logger.debug("released \(released) KiB of pages only starting used, in \(ContinuousClock.now - started)")
                while true { try await clock.sleep(for: .seconds(3600)) }
            }
            // The first to finish is the group; the waiting task is then cancelled.
            try await tasks.next()
            tasks.cancelAll()
        }
    }

    /// The daemon's end of the doorbell; without it (a town path too long for a socket address) the
    /// services still find everything on their safety sweep.
    func listen() -> DoorbellListener? {
        do {
            return try DoorbellListener(doorbell: DaemonDoorbell(town: town)) { [events, logger] poke in
                logger.trace("poke: \(poke.topic?.rawValue ?? "unknown")\(poke.agent.map { " from \($0)" } ?? "")")
                events.received(poke)
            }
        } catch {
            logger.warning("other gw processes cannot wake the daemon (\(error.userMessage)); it looks for their work every [daemon] poll")
            return nil
        }
    }
}
