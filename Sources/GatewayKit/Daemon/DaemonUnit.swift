import Foundation
import GatewayCore
import GatewayNotify
import GatewayAgents
import GatewayHeartbeat

/// What `gw daemon install` writes so the system keeps the daemon running: a systemd user unit on
/// Linux, a launchd agent on macOS. Both carry the PATH of the shell that installed them, because a
/// service starts with a bare PATH and the Mayor must still find `claude`, `tmux` and `git` (and
/// CLAUDE_CONFIG_DIR when it is set, since Claude Code's login lives there). Never a secret.
public struct DaemonUnit: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case systemd, launchd }

    public var kind: Kind
    /// Where the file goes.
    public var path: URL
    public var text: String
    /// The command that enables it (printed, never run by Gateway).
    public var enableCommand: String

    /// The unit for `town`, run by the `gw` at `executable`, for this platform (or `kind`).
    public static func make(town: Town, townName: String, executable: String, variables: [String: String], kind: Kind? = nil) -> DaemonUnit {
        #if os(macOS)
        let chosen = kind ?? .launchd
        #else
        let chosen = kind ?? .systemd
        #endif
        let home = URL(fileURLWithPath: variables["HOME"] ?? NSHomeDirectory())
        // PATH, and Claude Code's config folder when one is chosen: where its login lives.
        var carried = ["PATH": variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
        if let claude = variables["CLAUDE_CONFIG_DIR"], !claude.isEmpty { carried["CLAUDE_CONFIG_DIR"] = claude }
        switch chosen {
        case .systemd:
            let name = "gateway-\(town.id).service"
            let file = home.appendingPathComponent(".config/systemd/user").appendingPathComponent(name)
            return DaemonUnit(kind: .systemd, path: file,
                              text: systemd(town: town, townName: townName, executable: executable, environment: carried),
                              enableCommand: "systemctl --user daemon-reload && systemctl --user enable --now \(name)")
        case .launchd:
            let label = "dev.gateway.\(town.id)"
            let file = home.appendingPathComponent("Library/LaunchAgents").appendingPathComponent("\(label).plist")
            return DaemonUnit(kind: .launchd, path: file,
                              text: launchd(town: town, label: label, executable: executable, environment: carried),
                              enableCommand: "launchctl load -w \(ShellQuote.word(file.path))")
        }
    }

    static func systemd(town: Town, townName: String, executable: String, environment: [String: String]) -> String {
        let exec = [executable, "daemon", "run", "--town", town.root.path].map { systemdQuote($0) }.joined(separator: " ")
        let variables = environment.sorted { $0.key < $1.key }.map { "Environment=\(systemdQuote("\($0.key)=\($0.value)", variables: false))" }
            .joined(separator: "\n")
        return """
            # Written by `gw daemon install` for a Gateway town (see WorkingDirectory).
            [Unit]
            Description=Gateway daemon for town \(oneLine(townName).replacingOccurrences(of: "%", with: "%%"))

            [Service]
            Type=simple
            ExecStart=\(exec)
            # `systemctl --user reload`: the daemon reads gateway.toml and HEARTBEAT.md again.
            ExecReload=/bin/kill -HUP $MAINPID
            WorkingDirectory=\(town.root.path.replacingOccurrences(of: "%", with: "%%"))
            \(variables)
            Restart=on-failure
            RestartSec=5
            # SIGTERM drains the daemon; the Mayor's tmux session outlives it (only the daemon is stopped).
            KillSignal=SIGTERM
            KillMode=process
            TimeoutStopSec=90

            [Install]
            WantedBy=default.target

            """
    }

    /// A double-quoted systemd word: `\` and `"` escaped, `%` (specifiers) doubled, and `$` doubled
    /// where systemd expands variables (ExecStart, not Environment).
    static func systemdQuote(_ word: String, variables: Bool = true) -> String {
        var escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "%", with: "%%")
        if variables { escaped = escaped.replacingOccurrences(of: "$", with: "$$") }
        // A line break would end the directive and start another: control characters become the C
        // escapes systemd reads in quoted words (`\xNN` for ASCII, `\uNNNN` for C1, a byte alone not being UTF-8).
        escaped = escaped.unicodeScalars.map { $0.properties.generalCategory == .control ? String(format: $0.value < 0x80 ? "\\x%02x" : "\\u%04x", $0.value) : String($0) }.joined()
        return "\"\(escaped)\""
    }

    /// Text for a directive that takes the rest of its line (Description): control characters become spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    static func launchd(town: Town, label: String, executable: String, environment: [String: String]) -> String {
        let variables = environment.sorted { $0.key < $1.key }
            .map { "        <key>\(xml($0.key))</key>\n        <string>\(xml($0.value))</string>" }.joined(separator: "\n")
        let arguments = [executable, "daemon", "run", "--town", town.root.path].map { "        <string>\(xml($0))</string>" }.joined(separator: "\n")
        let log = xml(DaemonLog.file(for: town).path)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <!-- Written by `gw daemon install` for a Gateway town (see WorkingDirectory). -->
            <plist version="1.0">
            <dict>
                <key>Label</key>
                <string>\(xml(label))</string>
                <key>ProgramArguments</key>
                <array>
            \(arguments)
                </array>
                <key>WorkingDirectory</key>
                <string>\(xml(town.root.path))</string>
                <key>EnvironmentVariables</key>
                <dict>
            \(variables)
                </dict>
                <key>RunAtLoad</key>
                <true/>
                <!-- Restarted when it fails, like systemd's on-failure: `gw daemon stop` (exit 0) stays stopped. -->
                <key>KeepAlive</key>
                <dict>
                    <key>SuccessfulExit</key>
                    <false/>
                </dict>
                <key>StandardOutPath</key>
                <string>\(log)</string>
                <key>StandardErrorPath</key>
                <string>\(log)</string>
            </dict>
            </plist>

            """
    }

    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension DaemonUnit {
    /// Writes the file, creating its folder.
    public func write() throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileSystem.writeAtomically(text, to: path)
    }
}
