import Foundation

/// Delivers one outbox row to one kind of destination.
public protocol Notifier: Sendable {
    /// Sends `entry`, starting at part `entry.partsDone`; calls `partDone(n)` after the server accepted
    /// part n (1-based) of a multi-part message, so a crash resumes at the next part.
    func deliver(_ entry: OutboxEntry, partDone: @Sendable (Int) async throws -> Void) async throws(DeliveryFailure)
}

/// Why a delivery did not complete, and what the worker should do about it.
public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    public enum Action: Sendable, Equatable {
        /// Try again later: after `after` seconds when the server said so, else with backoff.
        /// `uncertain` when the server may have accepted it (a timeout after sending).
        case retry(after: TimeInterval?, uncertain: Bool, countsAsAttempt: Bool)
        /// Trying again cannot help until the user changes something (bad token, no notifier installed).
        case permanent
    }

    public var action: Action
    public var message: String
    /// The server could not be reached at all (no network, the server down): nothing was sent, so
    /// retrying can never duplicate. Such a failure backs off like any other but never uses up
    /// `max_attempts` — a laptop offline overnight must not turn the night's notifications into
    /// failed rows; they go out when the network is back.
    public var waitsOutOutage = false

    public init(_ action: Action, _ message: String) {
        self.action = action
        self.message = message
    }

    public static func unreachable(_ message: String) -> DeliveryFailure {
        var failure = DeliveryFailure.retry(message)
        failure.waitsOutOutage = true
        return failure
    }

    public static func retry(_ message: String, uncertain: Bool = false) -> DeliveryFailure {
        DeliveryFailure(.retry(after: nil, uncertain: uncertain, countsAsAttempt: true), message)
    }

    public static func rateLimited(after seconds: TimeInterval, _ message: String) -> DeliveryFailure {
        DeliveryFailure(.retry(after: seconds, uncertain: false, countsAsAttempt: false), message)
    }

    public static func permanent(_ message: String) -> DeliveryFailure { DeliveryFailure(.permanent, message) }

    public var description: String { message }
}

/// Removes secret values from text bound for logs, errors, JSON or the ledger, in case a library or a
/// server echoed one back.
public struct SecretScrubber: Sendable {
    var secrets: [String]

    public init(_ secrets: [String]) { self.secrets = secrets.filter { $0.count >= 4 } }

    public func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[secret]") }
    }
}
