import ArgumentParser
import Foundation
import GatewayCore
import GatewayKit
import GatewayMCP
import Logging

/// `gw-mcp`: the stdio MCP server that `gw mcp serve` becomes. A program of its own because the MCP
/// library links FoundationNetworking, which `gw` leaves out to start fast at every hook event.
@main
struct GatewayMCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gw-mcp",
        abstract: "Serve Gateway's memory, notify and status tools to the Mayor over stdio (what `gw mcp serve` runs).",
        version: "gw-mcp \(GatewayVersion.current)")

    @Option(name: .long, help: ArgumentHelp("The town to act on (else GW_TOWN, else the nearest town above the current folder).", valueName: "dir"))
    var town: String?

    @Flag(name: .long, help: "Print diagnostics on stderr.")
    var verbose = false

    func run() async throws {
        // stdout carries the protocol, so diagnostics go to stderr only.
        var logger = Logger(label: "gw-mcp") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : .warning
        let environment = GatewayEnvironment.live(logger: logger)
        try await GatewayMCPServer.serve(environment: environment, town: try TownLocator.locate(flag: town, environment: environment))
    }

    /// Errors read as `gw`'s do, with the same exit codes.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as GatewayError {
            FileHandle.standardError.write(Data("gw-mcp: \(error.message)\n".utf8))
            Foundation.exit(error.exit.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
