import Foundation
import Logging

/// Every effect Gateway has, in one value built once at the edge (`live`) and passed down.
/// Tests build their own, with real git and SQLite in temporary folders or with scripted runners.
public struct GatewayEnvironment: Sendable {
    public var processes: any ProcessRunning
    /// "Now", and every wait: nothing in the domain reads the system clock or sleeps on its own.
    public var clock: any WallClock
    public var output: any OutputSink
    public var logger: Logger
    /// The process environment commands read (`GW_TOWN`, `HOME`, …), injectable for tests.
    public var variables: [String: String]
    /// The directory relative paths are resolved against.
    public var workingDirectory: URL
    /// The `gw` binary itself, which agents' hooks and tmux's pane-died hook call back.
    public var executablePath: String
    /// Each town's ledger, opened once per process.
    public var ledgers: LedgerAccess
    /// The network (notifications' HTTP).
    public var http: any HTTPClient

    public init(
        processes: any ProcessRunning, clock: any WallClock, output: any OutputSink, logger: Logger,
        variables: [String: String], workingDirectory: URL, executablePath: String = GatewayEnvironment.currentExecutable,
        ledgers: LedgerAccess = .unconfigured, http: any HTTPClient = UnconfiguredHTTPClient()
    ) {
        self.processes = processes
        self.clock = clock
        self.output = output
        self.logger = logger
        self.variables = variables
        self.workingDirectory = workingDirectory
        self.executablePath = executablePath
        self.ledgers = ledgers
        self.http = http
    }

    public static func live(logger: Logger, ledgers: LedgerAccess) -> GatewayEnvironment {
        let processes = LiveProcessRunner()
        return GatewayEnvironment(
            processes: processes,
            clock: SystemWallClock(),
            output: StandardOutput(),
            logger: logger,
            variables: ProcessInfo.processInfo.environment,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            ledgers: ledgers,
            http: CurlHTTPClient(processes: processes)
        )
    }

    /// This process's own executable, symlinks resolved.
    public static var currentExecutable: String {
        RunningExecutable.path ?? CommandLine.arguments[0]
    }

    public var git: GitClient { GitClient(runner: processes) }

    /// The town's ledger, opened once per process.
    public func ledger(_ town: Town) throws -> Ledger { try ledgers.ledger(file: town.ledgerFile) }

    /// Resolves a path the user typed against the working directory.
    public func resolve(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return workingDirectory.appendingPathComponent(expanded).standardizedFileURL
    }
}
