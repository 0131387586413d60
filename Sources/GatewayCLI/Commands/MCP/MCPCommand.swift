import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Gateway's tools for the Mayor over the Model Context Protocol.",
        subcommands: [MCPServe.self])
}

/// Started by Claude Code from the generated MCP config; speaks JSON-RPC on stdin and stdout.
///
/// The server is its own program, `gw-mcp`, installed beside `gw`: the MCP library links
/// FoundationNetworking (libcurl and its TLS libraries), which `gw` leaves out to start fast at every
/// hook event. This command becomes `gw-mcp` in place (exec), so the generated configs that name
/// `gw mcp serve` keep working and Claude Code's pipes stay attached.
struct MCPServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve memory_search, memory_get, memory_append, notify, heartbeat_status and convoy_status over stdio (runs gw-mcp).")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let server = try MCPServerProgram.locate(besides: global.environment.executablePath)
        try ProcessReplacement.exec(server.path, arguments: global.forwardedArguments)
    }
}
