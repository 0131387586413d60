import Foundation
import GatewayCore

/// The settings file Gateway generates for a hook-speaking agent and passes with `--settings`, so the
/// user's own settings files are never touched. Every event runs `gw agent-event EVENT`, which records
/// the payload in the ledger and returns at once.
public enum ClaudeHookSettings {
    /// The name the Mayor's MCP server is registered under; its tools are `mcp__gateway__<tool>`.
    public static let mcpServerName = "gateway"

    public static func json(gwExecutable: String, skipBypassWarning: Bool, allowGatewayTools: Bool = false) -> String {
        var hooks: [String: Any] = [:]
        for event in HookEventName.installed.map(\.rawValue) {
            let command = ShellQuote.line([gwExecutable, "agent-event", event])
            hooks[event] = [["hooks": [["type": "command", "command": command, "timeout": 30]]]]
        }
        var settings: [String: Any] = ["hooks": hooks]
        if skipBypassWarning { settings["skipDangerousModePermissionPrompt"] = true }
        // Gateway's own tools never wait for a permission prompt nobody is there to answer.
        if allowGatewayTools { settings["permissions"] = ["allow": ["mcp__\(mcpServerName)"]] }
        let data = try! JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The MCP config passed with `--mcp-config`: `gw mcp serve` over stdio, for the town the agent is in.
    public static func mcpConfig(gwExecutable: String, town: Town) -> String {
        let server: [String: Any] = ["type": "stdio", "command": gwExecutable, "args": ["mcp", "serve"], "env": ["GW_TOWN": town.root.path]]
        let data = try! JSONSerialization.data(withJSONObject: ["mcpServers": [mcpServerName: server]],
                                               options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func write(for runtime: AgentRuntime) throws {
        let text = json(gwExecutable: runtime.environment.executablePath,
                        skipBypassWarning: runtime.profile.permissionMode == "bypassPermissions",
                        allowGatewayTools: runtime.servesGatewayTools)
        try FileSystem.writeAtomically(text, to: runtime.settingsFile)
        if runtime.servesGatewayTools {
            try FileSystem.writeAtomically(mcpConfig(gwExecutable: runtime.environment.executablePath, town: runtime.town), to: runtime.mcpConfigFile)
        }
    }
}
