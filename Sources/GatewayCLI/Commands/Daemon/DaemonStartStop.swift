import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

struct DaemonStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start the daemon in the background (does nothing if it runs).")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        switch try await DaemonControl(town: town, environment: environment).start(verbose: global.verbose) {
        case .alreadyRunning(let pid): environment.output.line("The daemon is already running (pid \(pid)).")
        case .started(let pid): environment.output.line("Started the daemon (pid \(pid)); its log is \(DaemonLog.file(for: town).path).")
        }
    }
}

struct DaemonStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the daemon gracefully (SIGTERM), killing it if it does not stop in time. The Mayor keeps running.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "How long to wait for a graceful stop before SIGKILL, like 30s (default: [daemon] stop_timeout).") var timeout: String?

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        var limit = try town.loadConfig().daemon.stopTimeout
        if let timeout {
            guard let parsed = ConfigDuration(parsing: timeout) else {
                throw GatewayError.usage("--timeout \"\(timeout)\" is not a duration: write it like 30s or 2m")
            }
            limit = parsed
        }
        guard let stopped = try await DaemonControl(town: town, environment: environment).stop(timeout: limit.seconds) else {
            environment.output.line("The daemon is not running.")
            return
        }
        environment.output.line(stopped.killed
            ? "The daemon (pid \(stopped.pid)) did not stop within \(limit) and was killed."
            : "Stopped the daemon (pid \(stopped.pid)).")
    }
}
