import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayNotify
import GatewayHeartbeat
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the daemon's config current. It reloads when gateway.toml or HEARTBEAT.md change (`FileWatch`),
/// on SIGHUP, and every `[daemon] schedule_recheck` as the safety net for an edit the platform did not
/// report (a symlink's target edited elsewhere). A reload that changes something wakes every service,
/// which reads the new config at once. A bad edit keeps the running config: it is logged and shown by
/// `gw daemon status` with its file and line, and the owner is told once, through the outbox, to the
/// heartbeat's urgent targets — and again only for a different bad edit.
struct ConfigService: Service {
    let config: DaemonConfig
    let events: DaemonEvents
    let environment: GatewayEnvironment

    /// How long an edit is given to settle before its problems are reported: an editor may still be
    /// writing the file when the first event arrives.
    static let settle: TimeInterval = 0.25

    var town: Town { config.town }
    var logger: Logger { environment.logger }

    func run() async throws {
        let watch: FileWatch?
        do {
            watch = try FileWatch(directory: town.root, names: [Town.configFileName, HeartbeatDocument.fileName]) { [events] in events.config.ring() }
        } catch {
            logger.warning("edits of gateway.toml and HEARTBEAT.md are not watched (\(error.userMessage)); they are read again every [daemon] schedule_recheck and on SIGHUP")
            watch = nil
        }
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { [events, logger] in
            logger.info("SIGHUP: reading gateway.toml and HEARTBEAT.md again")
            events.config.ring()
        }
        hangup.resume()
        defer {
            watch?.cancel()
            hangup.cancel()
        }
        // A report a previous daemon left is replaced; a HEARTBEAT.md that was bad at the start is told.
        writeReport()
        await publish(DaemonConfig.Reload(troubles: config.troubles))
        while true {
            let seen = events.config.count
            let recheck = config.current.gateway.daemon.scheduleRecheck.seconds
            guard await DaemonPause.wait(for: events.config, after: seen, until: environment.clock.now().addingTimeInterval(recheck), on: environment.clock) else { break }
            guard let outcome = await reload() else { break }
            await publish(outcome)
        }
        logger.info("config watcher stopped")
    }

    /// Reads the files again; a problem is looked at once more after `settle`, so only an edit that
    /// stays bad is reported. Nil on shutdown.
    func reload() async -> DaemonConfig.Reload? {
        var outcome = config.reload()
        guard !outcome.troubles.isEmpty else { return outcome }
        guard await DaemonPause.sleep(Self.settle, on: environment.clock) else { return nil }
        let again = config.reload()
        let current = config.troubles
        outcome.applied += again.applied
        outcome.cleared += again.cleared
        outcome.troubles = (outcome.troubles + again.troubles).filter { current.contains($0) }
        return outcome
    }

    /// Hands a changed config to every service, and tells of what changed and what was kept out.
    func publish(_ outcome: DaemonConfig.Reload) async {
        guard outcome != DaemonConfig.Reload() else {
            return logger.debug("gateway.toml and HEARTBEAT.md read again: nothing new")
        }
        let snapshot = config.current
        // The report first: whoever reads the log's word that a file reads well again finds
        // `gw daemon status` saying so too.
        writeReport()
        if !outcome.applied.isEmpty {
            logger.notice("read \(outcome.applied.joined(separator: " and ")) again: every service now runs with it (config \(snapshot.generation))")
            events.everything()
        }
        for file in outcome.cleared where !outcome.applied.contains(file) {
            logger.info("\(file) reads well again; it is in use as it is")
        }
        for trouble in outcome.troubles {
            logger.error("\(trouble.file) has \(trouble.problems.count == 1 ? "a problem" : "problems"); the daemon keeps running on the last good version:")
            for problem in trouble.problems { logger.error("  \(problem)") }
        }
        for trouble in outcome.troubles { await tellOwner(trouble, settings: snapshot.gateway.heartbeat) }
    }

    /// What `gw daemon status` shows of the config.
    func writeReport() {
        do {
            try DaemonConfigReport(generation: config.current.generation, troubles: config.troubles).write(town)
        } catch {
            logger.warning("could not write \(DaemonConfigReport.file(for: town).path): \(error.userMessage)")
        }
    }

    /// One urgent notification per bad edit: its key names the edit, so a re-check that finds the
    /// same text again queues nothing.
    func tellOwner(_ trouble: DaemonConfig.Trouble, settings: HeartbeatSettings) async {
        guard !settings.urgentTargets.isEmpty else {
            logger.warning("[heartbeat] urgent names no target to tell of the problem in \(trouble.file)")
            return
        }
        let text = trouble.problems.joined(separator: "\n")
            + "\nThe daemon keeps running on the last good version. Fix the file and save it: it is read again at once (`gw config check` lists every problem)."
        do {
            let ledger = try environment.ledger(town)
            for target in settings.urgentTargets {
                let request = NotificationRequest(source: "config:\(trouble.file):\(trouble.edit)", target: target,
                                                  title: "Gateway: \(trouble.file) has a problem", text: text, priority: .urgent)
                _ = try await ledger.enqueueNotification(request, now: environment.clock.now())
            }
            events.outbox.ring()
        } catch {
            logger.error("could not queue the notification about \(trouble.file): \(error.userMessage)")
        }
    }
}
