import Foundation
import GatewayCore

/// A desktop notification: notify-send on Linux; terminal-notifier, else osascript, on macOS. The one
/// place where showing a notification differs between the two systems.
public struct DesktopNotifier: Notifier {
    let processes: any ProcessRunning
    /// The PATH searched for the notifier programs.
    let path: String?

    public init(processes: any ProcessRunning, path: String?) {
        self.processes = processes
        self.path = path
    }

    /// The command that shows `title`/`text`, or nil when this machine has no notifier.
    public func command(title: String, text: String, urgent: Bool) -> Command? {
        if let notifySend = ExecutableLookup.find("notify-send", path: path) {
            return Command(notifySend, ["--app-name=Gateway", "--urgency=\(urgent ? "critical" : "normal")", "--", title, text])
        }
        if let terminalNotifier = ExecutableLookup.find("terminal-notifier", path: path) {
            return Command(terminalNotifier, ["-title", title, "-message", text, "-group", "gateway"])
        }
        if let osascript = ExecutableLookup.find("osascript", path: path) {
            let script = "display notification \(Self.appleScriptString(text)) with title \(Self.appleScriptString(title))"
            return Command(osascript, ["-e", script])
        }
        return nil
    }

    public func deliver(_ entry: OutboxEntry, partDone: @Sendable (Int) async throws -> Void) async throws(DeliveryFailure) {
        guard let command = command(title: entry.title, text: entry.text, urgent: entry.priority == .urgent) else {
            throw .permanent("no desktop notifier found on PATH: on Linux install notify-send (apt-get install libnotify-bin), on macOS osascript is built in (or brew install terminal-notifier); or use a telegram, email, webhook or console target")
        }
        do {
            try await processes.check(command, what: URL(fileURLWithPath: command.executable).lastPathComponent)
        } catch {
            throw .retry("the desktop notification failed: \(error.userMessage)")
        }
    }

    /// A double-quoted AppleScript string literal.
    static func appleScriptString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
