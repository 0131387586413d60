import Foundation
import Logging
import ServiceLifecycle
import GatewayCore
import GatewayHeartbeat

/// The daemon's heartbeat service: runs `BeatRunner.step()` and waits until the date it returns — the
/// next beat — or until an event calls for a step sooner: a beat's turn ended (its hook), `gw heartbeat
/// now`, a new config. Never longer than `[daemon] schedule_recheck`, the safety net. A failed step is
/// tried again after `[daemon] beat_retry`.
struct SchedulerService: Service {
    let runner: BeatRunner
    let config: DaemonConfig
    let events: DaemonEvents
    var logger: Logger { runner.environment.logger }
    var now: Date { runner.environment.clock.now() }

    func run() async throws {
        while true {
            let seen = events.scheduler.count
            let settings = config.current.gateway.daemon
            let next: Date
            do {
                let due = try await runner.step()
                let recheck = now.addingTimeInterval(settings.scheduleRecheck.seconds)
                next = min(due ?? recheck, recheck)
                logger.debug("heartbeat step done; next step at \(next) or at an event")
            } catch {
                logger.error("the heartbeat step failed: \(error.userMessage); trying again in \(settings.beatRetry)")
                next = now.addingTimeInterval(settings.beatRetry.seconds)
            }
            // A step may have queued findings for the owner.
            events.outbox.ring()
            guard await DaemonPause.wait(for: events.scheduler, after: seen, until: next, on: runner.environment.clock) else { break }
        }
        logger.info("heartbeat scheduler stopped")
    }
}
