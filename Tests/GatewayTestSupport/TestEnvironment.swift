import Foundation
import Logging
import GatewayCore
import GatewayKit

extension GatewayEnvironment {
    /// Real processes, real HTTP (to the tests' loopback servers), a captured output, and the given
    /// working directory and variables.
    public static func test(
        workingDirectory: URL, variables: [String: String] = [:], clock: any WallClock = SystemWallClock(),
        processes: any ProcessRunning = LiveProcessRunner()
    ) -> (GatewayEnvironment, CapturedOutput) {
        let output = CapturedOutput()
        var logger = Logger(label: "gw-test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        base.merge(variables) { _, new in new }
        let environment = GatewayEnvironment(
            processes: processes, clock: clock, output: output, logger: logger,
            variables: base, workingDirectory: workingDirectory,
            executablePath: (try? builtProduct("gw").path) ?? "gw", ledgers: .gateway(), http: URLSessionHTTPClient())
        return (environment, output)
    }
}

/// Installs a town at `<dir>/town` and returns it.
public func installTown(in directory: TemporaryDirectory, name: String = "town") async throws -> Town {
    let (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url)
    let outcome = try await TownInstaller(environment: environment).install(at: directory.path(name), name: nil, force: false)
    guard case .created(let town) = outcome else { throw GatewayError("expected a new town") }
    return town
}
