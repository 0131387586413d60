import Foundation
import GatewayCore

/// The settings file Gateway generates for a hook-speaking agent and passes with `--settings`, so the
/// user's own settings files are never touched. Every event runs `gw agent-event EVENT`, which records
/// the payload in the ledger and returns at once.
public enum ClaudeHookSettings {
    /// The name the Mayor's MCP server is registered under; its tools are `mcp__gateway__<tool>`.
    public static let mcpServerName = "gateway"

    /// Every hook returns within this (seconds), but a PermissionRequest answered from the chat.
    public static let hookTimeout = 30

    /// `permissionWait`: how long the PermissionRequest hook waits for an answer from the chat; its
    /// timeout is set a minute above that, so Claude Code never cuts the wait short (its default for
    /// every hook here is 30 s).
    public static func json(gwExecutable: String, skipBypassWarning: Bool, allowGatewayTools: Bool = false, permissionWait: TimeInterval? = nil) -> String {
        var hooks: [String: Any] = [:]
        for event in HookEventName.installed {
            let command = ShellQuote.line([gwExecutable, "agent-event", event.rawValue])
            var timeout = hookTimeout
            if event == .permissionRequest, let permissionWait { timeout = Int(permissionWait.rounded(.up)) + 60 }
            hooks[event.rawValue] = [["hooks": [["type": "command", "command": command, "timeout": timeout]]]]
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
                        allowGatewayTools: runtime.servesGatewayTools, permissionWait: runtime.settings.permissionHookWait)
        try FileSystem.writeAtomically(text, to: runtime.settingsFile)
        if runtime.servesGatewayTools {
            try FileSystem.writeAtomically(mcpConfig(gwExecutable: runtime.environment.executablePath, town: runtime.town), to: runtime.mcpConfigFile)
        }
    }
}
