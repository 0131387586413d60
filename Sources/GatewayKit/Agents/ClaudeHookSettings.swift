import Foundation

/// The settings file Gateway generates for a hook-speaking agent and passes with `--settings`, so the
/// user's own settings files are never touched. Every event runs `gw agent-event EVENT`, which records
/// the payload in the ledger and returns at once.
public enum ClaudeHookSettings {
    public static let events = ["SessionStart", "UserPromptSubmit", "Stop", "StopFailure", "PreCompact", "SessionEnd", "PermissionRequest"]

    public static func json(gwExecutable: String, skipBypassWarning: Bool) -> String {
        var hooks: [String: Any] = [:]
        for event in events {
            let command = ShellQuote.line([gwExecutable, "agent-event", event])
            hooks[event] = [["hooks": [["type": "command", "command": command, "timeout": 30]]]]
        }
        var settings: [String: Any] = ["hooks": hooks]
        if skipBypassWarning { settings["skipDangerousModePermissionPrompt"] = true }
        let data = try! JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func write(for runtime: AgentRuntime) throws {
        let text = json(gwExecutable: runtime.environment.executablePath,
                        skipBypassWarning: runtime.profile.permissionMode == "bypassPermissions")
        try FileSystem.writeAtomically(text, to: runtime.settingsFile)
    }
}
