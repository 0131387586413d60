import Foundation
import GatewayCore

extension Doctor {
    /// The Mayor's MCP tools come from `gw-mcp` beside `gw`; a `gw` copied alone leaves the Mayor
    /// without its memory tools, and Claude Code only says the server failed.
    func mcpServerFindings() -> [DoctorFinding] {
        let check = "mcp server"
        do {
            return [.ok(check, try MCPServerProgram.locate(besides: environment.executablePath).path)]
        } catch {
            return [DoctorFinding(check, .problem, error.userMessage,
                                  fix: "cp .build/release/\(MCPServerProgram.name) \(quoted(MCPServerProgram.expected(besides: environment.executablePath)))")]
        }
    }
}
