import Foundation
import Testing
import GatewayCLI
import GatewayCore
import GatewayTestSupport

/// Runs a `gw` command line in this process, through the command tree, from `directory` — real processes,
/// HTTP and the system clock, as the binary would have; returns the exit code and what it printed.
func gw(_ arguments: [String], in directory: URL, variables: [String: String] = [:]) async -> (code: Int32, stdout: String, stderr: String) {
    let (environment, output) = GatewayEnvironment.test(workingDirectory: directory, variables: variables, clock: .live, processes: .live, http: .live)
    let code = await GatewayMain.execute(arguments: arguments, environment: environment)
    return (code, output.stdout, output.stderr)
}
