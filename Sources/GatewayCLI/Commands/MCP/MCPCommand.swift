import ArgumentParser
import Foundation
import GatewayKit
import GatewayMCP
import GatewayCore
import GatewayHeartbeat

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Gateway's tools for the Mayor over the Model Context Protocol.",
        subcommands: [MCPServe.self])
}

/// Started by Claude Code from the generated MCP config; speaks JSON-RPC on stdin and stdout.
struct MCPServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve memory_search, memory_get, memory_append, notify, heartbeat_status and convoy_status over stdio.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        try await GatewayMCPServer.serve(environment: environment, town: town)
    }
}
