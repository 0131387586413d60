import Foundation
import GatewayCore

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
