import Foundation
import GatewayCore

/// `gw-mcp`, the MCP server program `gw mcp serve` becomes, installed beside `gw`: the MCP library links
/// FoundationNetworking, which `gw` leaves out to start fast.
public enum MCPServerProgram {
    public static let name = "gw-mcp"

    /// Where it must be: beside the real `gw` file (symlinks resolved).
    public static func expected(besides gw: String) -> URL { RunningExecutable.sibling(name, of: gw) }

    /// The program, or an error naming the missing file and how to put it there.
    public static func locate(besides gw: String) throws -> URL {
        let server = expected(besides: gw)
        guard FileManager.default.isExecutableFile(atPath: server.path) else { throw GatewayError(missing(server)) }
        return server
    }

    static func missing(_ server: URL) -> String {
        "\(server.path) is missing: `gw mcp serve` runs \(name), which is installed beside gw. Build it with "
            + "`swift build -c release` and copy .build/release/\(name) next to gw (\(server.deletingLastPathComponent().path))"
    }
}
