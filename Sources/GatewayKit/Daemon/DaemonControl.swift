import CGatewayShims
import Foundation
import GatewayCore
import GatewayAgents
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `gw daemon start|stop|status`: the daemon managed in the background.
public struct DaemonControl: Sendable {
    public let town: Town
    let environment: GatewayEnvironment

    public init(town: Town, environment: GatewayEnvironment) {
        self.town = town
        self.environment = environment
    }

    /// What `gw daemon status` shows.
    public struct Status: Sendable, Codable, Equatable {
        public var running: Bool
        public var pid: Int32?
        /// The pid a left-behind pid file names when the daemon died without removing it (SIGKILL).
        public var stalePid: Int32?
        public var startedAt: Date?
        public var uptimeSeconds: Int?
        public var logFile: String
        public var lastLogLines: [String]
        /// While it runs: how many times the daemon took in an edited config since it started.
        public var configGeneration: Int?
        /// While it runs: each file whose text on disk it keeps out, and why (`file:line: key: …`);
        /// it runs on the last good version of those.
        public var configTroubles: [DaemonConfig.Trouble]
    }

    public func status(logLines: Int = 10) -> Status {
        let pid = DaemonPidFile.runningPid(town)
        let started = pid == nil ? nil : DaemonPidFile.startedAt(town)
        let recorded = DaemonPidFile.recordedPid(town)
        let report = pid == nil ? nil : DaemonConfigReport.read(town)
        return Status(running: pid != nil, pid: pid, stalePid: pid == nil ? recorded : nil, startedAt: started,
                      uptimeSeconds: started.map { max(0, Int(environment.clock.now().timeIntervalSince($0))) },
                      logFile: DaemonLog.file(for: town).path, lastLogLines: DaemonLog.tail(DaemonLog.file(for: town), lines: logLines),
                      configGeneration: report?.generation, configTroubles: report?.troubles ?? [])
    }

    public enum StartOutcome: Sendable, Equatable {
        case alreadyRunning(pid: Int32)
        case started(pid: Int32)
    }

    /// Spawns `gw daemon run` detached (its own session, stdin from /dev/null, output appended to the
    /// log) and waits until its pid file names it; else reports the log's tail.
    public func start(verbose: Bool = false, timeout: TimeInterval = 30) async throws -> StartOutcome {
        if let pid = DaemonPidFile.runningPid(town) { return .alreadyRunning(pid: pid) }
        let log = DaemonLog.file(for: town)
        try FileManager.default.createDirectory(at: town.runtimeDirectory, withIntermediateDirectories: true)
        let arguments = ["daemon", "run", "--town", town.root.path] + (verbose ? ["--verbose"] : [])
        let pid = try Self.spawnDetached(environment.executablePath, arguments, variables: environment.variables, log: log, directory: town.root)
        let clock = environment.clock
        let deadline = clock.now().addingTimeInterval(timeout)
        while clock.now() < deadline {
            if DaemonPidFile.runningPid(town) == pid { return .started(pid: pid) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                // Started at the same moment as another `gw daemon start`, ours stood down because the
                // other holds the town's daemon lock: one daemon runs, which is what was asked for.
                if let running = DaemonPidFile.runningPid(town), running != pid, FileLock.isHeld(DaemonLock.file(for: town)) {
                    return .alreadyRunning(pid: running)
                }
                throw GatewayError("the daemon exited at once (status \(Spawn.exitStatus(status))). The end of \(log.path):\n\(Self.indented(DaemonLog.tail(log, lines: 15)))")
            }
            try await clock.sleep(for: .milliseconds(50))
        }
        throw GatewayError("the daemon (pid \(pid)) did not write its pid file within \(Int(timeout)) s. The end of \(log.path):\n\(Self.indented(DaemonLog.tail(log, lines: 15)))")
    }

    /// Sends SIGTERM and waits `timeout` for a graceful stop, then SIGKILL. Returns the pid stopped,
    /// or nil when no daemon ran; `killed` tells whether SIGKILL was needed.
    public func stop(timeout: TimeInterval) async throws -> (pid: Int32, killed: Bool)? {
        guard let pid = DaemonPidFile.runningPid(town) else { return nil }
        guard kill(pid, SIGTERM) == 0 || errno == ESRCH else {
            throw GatewayError("could not signal the daemon (pid \(pid)): \(String(cString: strerror(errno)))")
        }
        if try await waitForExit(pid, timeout: timeout) { return (pid, false) }
        environment.logger.warning("the daemon (pid \(pid)) did not stop within \(Int(timeout)) s; killing it")
        kill(pid, SIGKILL)
        guard try await waitForExit(pid, timeout: 10) else {
            throw GatewayError("the daemon (pid \(pid)) survived SIGKILL: look at it with `ps -p \(pid)`")
        }
        // Killed before it could remove its pid file: the file is stale, remove it here.
        if DaemonPidFile.recordedPid(town) == pid { try FileManager.default.removeItem(at: DaemonPidFile.url(town)) }
        return (pid, true)
    }

    func waitForExit(_ pid: Int32, timeout: TimeInterval) async throws -> Bool {
        // Another process's exit has no event to wait on here: its pid is looked at every 50 ms.
        let exited = try await environment.clock.poll(every: .milliseconds(50), until: environment.clock.now().addingTimeInterval(timeout)) {
            DaemonPidFile.processExists(pid) ? nil : true
        }
        return exited ?? false
    }

    static func indented(_ lines: [String]) -> String {
        lines.isEmpty ? "  (the log is empty)" : lines.map { "  | \($0)" }.joined(separator: "\n")
    }

    /// Starts the daemon in a new session, with stdin from /dev/null and stdout and stderr appended to
    /// `log`, its environment exactly `variables`.
    static func spawnDetached(_ executable: String, _ arguments: [String], variables: [String: String], log: URL, directory: URL) throws -> Int32 {
        try Spawn.start(executable, arguments, SpawnOptions(
            output: .append(log), errors: .sameAsStdout, directory: directory,
            environment: variables, inheritEnvironment: false, newSession: true))
    }
}
