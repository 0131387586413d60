import Foundation
import GatewayCore

/// A desktop notification: terminal-notifier or osascript on macOS, notify-send on Linux.
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

/// POSTs `{title, text, priority, source}` as JSON: Slack, Discord and ntfy style endpoints take it.
public struct WebhookNotifier: Notifier {
    let url: String
    let headers: [String: String]
    let timeout: TimeInterval
    let http: HTTPPoster

    public init(url: String, headers: [String: String], timeout: TimeInterval, http: HTTPPoster) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.http = http
    }

    public func deliver(_ entry: OutboxEntry, partDone: @Sendable (Int) async throws -> Void) async throws(DeliveryFailure) {
        let body: [String: Any] = ["title": entry.title, "text": entry.text, "priority": entry.priority.rawValue, "source": entry.source]
        let response = try await http.postJSON(url, body: body, headers: headers, timeout: timeout, what: "the webhook")
        switch response.status {
        case 200..<300: return
        case 429: throw .rateLimited(after: response.retryAfterHeader ?? 30, "the webhook answered 429 (rate limited)")
        case 408, 500...599: throw .retry("the webhook answered \(response.status)")
        default: throw .permanent("the webhook answered \(response.status): check url and headers_env")
        }
    }
}

/// Prints the notification: to the terminal for `gw notify send`, to the log for the daemon.
public struct ConsoleNotifier: Notifier {
    let output: any OutputSink
    let targetName: String

    public init(output: any OutputSink, targetName: String) {
        self.output = output
        self.targetName = targetName
    }

    public func deliver(_ entry: OutboxEntry, partDone: @Sendable (Int) async throws -> Void) async throws(DeliveryFailure) {
        let marker = entry.priority == .urgent ? " [urgent]" : ""
        output.line("[notify \(targetName)]\(marker) \(entry.title): \(entry.text)")
    }
}
