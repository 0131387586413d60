import Foundation
import Logging
import Testing
import GatewayCore
import GatewayKit

extension GatewayEnvironment {
    /// A test's environment: a captured output, a quiet logger, every feature's ledger tables, PATH plus
    /// `variables`, and the clock, process runner and HTTP client the test names. Left out, each fails
    /// the test that uses it and says how to choose, so no test talks to the real world without saying so
    /// (`clock: .live`, `processes: .live`, `http: .live`). The failure points at the line that built
    /// the environment.
    public static func test(
        workingDirectory: URL, variables: [String: String] = [:], clock: some WallClock = UnsetWallClock(),
        processes: some ProcessRunning = UnsetProcessRunner(), http: some HTTPClient = UnsetHTTPClient(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> (GatewayEnvironment, CapturedOutput) {
        let clock: any WallClock = clock is UnsetWallClock ? UnsetWallClock(builtAt: sourceLocation) : clock
        let processes: any ProcessRunning = processes is UnsetProcessRunner ? UnsetProcessRunner(builtAt: sourceLocation) : processes
        let http: any HTTPClient = http is UnsetHTTPClient ? UnsetHTTPClient(builtAt: sourceLocation) : http
        let output = CapturedOutput()
        var logger = Logger(label: "gw-test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        base.merge(variables) { _, new in new }
        let environment = GatewayEnvironment(
            processes: processes, clock: clock, output: output, logger: logger,
            variables: base, workingDirectory: workingDirectory,
            executablePath: (try? builtProduct("gw").path) ?? "gw", ledgers: .gateway(), http: http)
        return (environment, output)
    }
}

extension WallClock where Self == SystemWallClock {
    /// The system clock, for a test that means the real time.
    public static var live: SystemWallClock { SystemWallClock() }
}

extension ProcessRunning where Self == LiveProcessRunner {
    /// Real child processes, for a test that means to run them.
    public static var live: LiveProcessRunner { LiveProcessRunner() }
}

extension HTTPClient where Self == CurlHTTPClient {
    /// Real HTTP (to the tests' loopback servers), for a test that means to send it.
    public static var live: CurlHTTPClient { CurlHTTPClient(processes: LiveProcessRunner()) }
}

/// Records `message` as an issue at `location` (where the environment was built) when known.
private func record(_ message: String, at location: SourceLocation?) {
    if let location { Issue.record(Comment(rawValue: message), sourceLocation: location) } else { Issue.record(Comment(rawValue: message)) }
}

/// The clock of a test environment given none. Reading it or waiting on it fails the test with the fix;
/// it then behaves as the system clock, so the test goes on to report what else went wrong.
public struct UnsetWallClock: WallClock {
    /// Where the environment was built: the line the failure names.
    let builtAt: SourceLocation?

    public init() { builtAt = nil }
    init(builtAt: SourceLocation) { self.builtAt = builtAt }

    public func now() -> Date {
        record("this test read the clock of a GatewayEnvironment.test(…) it gave no clock: pass `clock: .live` for the system clock, or a ManualWallClock", at: builtAt)
        return Date()
    }

    public func sleep(until deadline: Date) async throws {
        record("this test waited on the clock of a GatewayEnvironment.test(…) it gave no clock: pass `clock: .live` for the system clock, or a ManualWallClock", at: builtAt)
        try await SystemWallClock().sleep(until: deadline)
    }
}

/// The process runner of a test environment given none. A run fails the test with the fix and throws,
/// so nothing is started.
public struct UnsetProcessRunner: ProcessRunning {
    /// Where the environment was built: the line the failure names.
    let builtAt: SourceLocation?

    public init() { builtAt = nil }
    init(builtAt: SourceLocation) { self.builtAt = builtAt }

    public func run(_ command: Command) async throws -> ProcessResult {
        let message = "this test ran `\(command)` through a GatewayEnvironment.test(…) it gave no process runner: pass `processes: .live` for real processes, or a scripted runner"
        record(message, at: builtAt)
        throw GatewayError(message)
    }
}

/// The HTTP client of a test environment given none. A request fails the test with the fix and throws,
/// so nothing is sent.
public struct UnsetHTTPClient: HTTPClient {
    /// Where the environment was built: the line the failure names.
    let builtAt: SourceLocation?

    public init() { builtAt = nil }
    init(builtAt: SourceLocation) { self.builtAt = builtAt }

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let message = "this test sent HTTP through a GatewayEnvironment.test(…) it gave no HTTP client: pass `http: .live` for real HTTP (to a loopback server), or a scripted client"
        record(message, at: builtAt)
        throw GatewayError(message)
    }
}
