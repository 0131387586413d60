import Foundation
import Logging
import ServiceLifecycle
import GatewayHeartbeat

/// The daemon's heartbeat service: runs `BeatRunner.step()` and sleeps until the date it returns —
/// never longer than `[daemon] schedule_recheck`, so edits of gateway.toml and HEARTBEAT.md count, and
/// waking at once when `gw heartbeat now` leaves a `DaemonWake` request.
public struct SchedulerService: Service {
    let runner: BeatRunner
    let settings: DaemonSettings
    let wake: DaemonWake
    let logger: Logger

    public init(runner: BeatRunner, settings: DaemonSettings, logger: Logger) {
        self.runner = runner
        self.settings = settings
        wake = .heartbeat(runner.town)
        self.logger = logger
    }

    public func run() async throws {
        // A request left while no daemon ran is answered now: the first step comes at once anyway.
        if let note = wake.take() { logger.info("heartbeat wake-up requested before the start\(note.isEmpty ? "" : ": \(note)")") }
        while !DaemonPause.shuttingDown {
            let next: Date
            do {
                let due = try await runner.step()
                let recheck = Date().addingTimeInterval(settings.scheduleRecheck.seconds)
                next = min(due ?? recheck, recheck)
                logger.debug("heartbeat step done; next step at \(next)")
            } catch {
                logger.error("the heartbeat step failed: \(error.userMessage); trying again in \(settings.beatRetry)")
                next = Date().addingTimeInterval(settings.beatRetry.seconds)
            }
            guard await sleep(until: next) else { break }
        }
        logger.info("heartbeat scheduler stopped")
    }

    /// Sleeps until `date` in steps of `[daemon] poll`, ending early for a wake request; false on shutdown.
    func sleep(until date: Date) async -> Bool {
        while true {
            if let note = wake.take() {
                logger.info("heartbeat wake-up requested\(note.isEmpty ? "" : ": \(note)")")
                return true
            }
            let left = date.timeIntervalSinceNow
            if left <= 0 { return !DaemonPause.shuttingDown }
            guard await DaemonPause.sleep(min(left, settings.poll.seconds)) else { return false }
        }
    }
}
