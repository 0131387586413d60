import Foundation
import GatewayCore

/// Destinations that are not gateway.toml's `[notify.targets]`: a chat's replies (targets named
/// `chat:…`), whose bot and token belong to the chat's settings. The feature that owns such targets
/// hands its route to the worker that may deliver them: the daemon's.
public protocol OutboxRoute: Sendable {
    /// The notifier for `target` with its secrets resolved, or nil when the target is not this route's.
    func notifier(for target: String, services: OutboxRouteServices) throws(DeliveryFailure) -> (any Notifier, SecretScrubber)?
}

/// What a route's notifiers share with the worker: its rate limits, its HTTP client and its clock.
public struct OutboxRouteServices: Sendable {
    public let limiter: RateLimiter
    public let http: HTTPPoster
    public let clock: any WallClock
    public let variables: [String: String]
    public let root: URL
}

public enum OutboxRoutes {
    /// Targets a route owns are named with this prefix. A worker without routes leaves their rows
    /// waiting for one that has them, rather than failing them as unknown targets.
    public static let prefix = "chat:"
}
