import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GatewayKit
@testable import GatewayCore

/// A town in a temporary folder whose Mayor is gw-agent-sim (the terminal double of Claude Code), with
/// the heartbeat off, for running the real `gw daemon` as a child process. Its safety nets (the sweep,
/// the config re-check) wait an hour, so whatever a test sees the daemon do within it was woken by an
/// event: a poke, a hook, an edited file. Its HOME and CLAUDE_CONFIG_DIR point inside the folder;
/// `cleanUp()` kills the town's tmux server.
final class DaemonTestTown: @unchecked Sendable {
    let directory = TemporaryDirectory("gw-daemon")
    let town: Town
    let variables: [String: String]

    /// `extra` is appended to gateway.toml (more sections, like notify targets).
    init(mayor: String = "", daemon: String = "", heartbeat: String = "", extra: String = "") async throws {
        town = try await installTown(in: directory)
        let home = directory.path("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        variables = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "CLAUDE_CONFIG_DIR": directory.path("claude-config").path,
            "GW_SIM_RULES": "",
        ]
        try """
            [town]
            name = "daemon-test"

            [mayor]
            agent = "sim"
            \(mayor)

            [heartbeat]
            every = "off"
            \(heartbeat)

            [daemon]
            health_check = "1s"
            poll = "1h"
            schedule_recheck = "1h"
            \(daemon)

            \(extra)
            """.write(to: town.configFile, atomically: true, encoding: .utf8)
    }

    deinit { cleanUp() }

    func cleanUp() {
        // The town's own tmux server (its socket is named after the town).
        let stopped = (try? tmux(["kill-server"]))?.succeeded ?? false
        if !stopped, ProcessInfo.processInfo.environment["GW_TEST_VERBOSE"] != nil {
            FileHandle.standardError.write(Data("tmux server \(town.tmuxSocket) was already stopped\n".utf8))
        }
    }

    var log: String { (try? String(contentsOf: DaemonLog.file(for: town), encoding: .utf8)) ?? "" }

    func ledger() throws -> Ledger { try Ledger(file: town.ledgerFile) }

    /// Runs `gw ARGS --town TOWN` to the end.
    func gw(_ arguments: [String]) async throws -> ProcessResult {
        try await runProduct("gw", arguments + ["--town", town.root.path], environment: variables)
    }

    /// Starts `gw daemon run` as a child process.
    func spawnDaemon(_ extra: [String] = []) throws -> ChildProcess {
        try ChildProcess(try builtProduct("gw").path, ["daemon", "run", "--town", town.root.path] + extra,
                         environment: variables, output: directory.path("daemon-\(UUID().uuidString.prefix(6)).out"))
    }

    /// tmux on the town's socket.
    func tmux(_ arguments: [String]) throws -> ProcessResult {
        try LiveProcessRunner.runBlocking(Command("tmux", ["-L", town.tmuxSocket] + arguments))
    }

    /// The pid of the process in the Mayor's pane, and whether the pane is dead.
    func mayorPane() throws -> (pid: Int32, dead: Bool)? {
        let result = try tmux(["display-message", "-p", "-t", "=mayor:", "#{pane_pid} #{pane_dead}"])
        let parts = result.stdout.split(separator: " ")
        guard result.succeeded, parts.count == 2, let pid = Int32(parts[0]) else { return nil }
        return (pid, parts[1].hasPrefix("1"))
    }

    /// Waits until the Mayor is recorded running with a live pane; returns its pane's pid.
    @discardableResult
    func waitForMayor(timeout: Double = 60, not previous: Int32? = nil) async throws -> Int32 {
        let ledger = try ledger()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await ledger.agent("mayor")?.state == .running, let pane = try mayorPane(), !pane.dead, pane.pid != previous {
                return pane.pid
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw GatewayError("the Mayor did not come up within \(Int(timeout)) s; agent row: \(String(describing: try await ledger.agent("mayor"))). Daemon log:\n\(log)")
    }

    /// Waits until `probe` returns a value, showing the daemon's log on timeout.
    @discardableResult
    func waitUntil<T>(_ what: String, timeout: Double = 60, _ probe: () async throws -> T?) async throws -> T {
        try await pollUntil(what, timeout: timeout, context: { ". Daemon log:\n\(log)" }, probe)
    }
}

/// A child process started with posix_spawn (stdin /dev/null, stdout and stderr to a file), that the
/// test signals and reaps itself.
final class ChildProcess: @unchecked Sendable {
    let pid: Int32
    let outputFile: URL
    private var exitCode: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String], output: URL) throws {
        outputFile = output
        let pid = try Spawn.start(executable, arguments, SpawnOptions(output: .append(output), errors: .sameAsStdout, environment: environment))
        self.pid = pid
    }

    deinit {
        if exitCode == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the exit (reaping it); returns the exit code, 128+N for a signal, nil on timeout.
    func wait(timeout: Double = 60) async throws -> Int32? {
        if let exitCode { return exitCode }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let code = Spawn.exitStatus(status)
                exitCode = code
                return code
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
