import Foundation
import GatewayCLI
import GatewayCore
import GatewayTestSupport

/// Runs a `gw` command line in this process with a test environment; returns exit code and output.
func gw(_ arguments: [String], in directory: URL, variables: [String: String] = [:]) async -> (code: Int32, stdout: String, stderr: String) {
    let (environment, output) = GatewayEnvironment.test(workingDirectory: directory, variables: variables, clock: .live, processes: .live)
    let code = await GatewayMain.execute(arguments: arguments, environment: environment)
    return (code, output.stdout, output.stderr)
}
