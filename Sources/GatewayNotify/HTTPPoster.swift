import Foundation
import GatewayCore

/// POSTs JSON through the environment's HTTP client and turns transport errors into delivery
/// failures whose text never includes the URL, which for Telegram carries the bot token.
public struct HTTPPoster: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
        public var retryAfterHeader: TimeInterval?
    }

    let client: any HTTPClient

    public init(client: any HTTPClient) { self.client = client }

    public func postJSON(_ address: String, body: [String: Any], headers: [String: String], timeout: TimeInterval, what: String) async throws(DeliveryFailure) -> Response {
        guard let url = URL(string: address) else { throw .permanent("\(what): the configured URL is not valid") }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw .permanent("\(what): the message could not be encoded as JSON")
        }
        var allHeaders = headers
        // A configured Content-Type wins, whatever its spelling.
        if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) { allHeaders["Content-Type"] = "application/json" }
        let response: HTTPClientResponse
        do {
            response = try await client.send(HTTPClientRequest(url: url, method: "POST", headers: allHeaders, body: data, timeout: timeout))
        } catch let error as HTTPTransportError {
            throw Self.failure(error, what: what, timeout: timeout)
        } catch let error as GatewayError {
            // The environment cannot reach the network at all (`UnconfiguredHTTPClient`): retrying is futile.
            throw .permanent("\(what): \(error.message)")
        } catch {
            // Not a transport error, so nothing says how far the request got: it may have been accepted, and a
            // repeat must be flagged as a possible duplicate.
            throw .retry("\(what): the request failed (\(type(of: error)))", uncertain: true)
        }
        // Something answered, so the request may have been taken.
        let retryAfter = response.header("Retry-After").flatMap(TimeInterval.init)
        return Response(status: response.status, body: response.body, retryAfterHeader: retryAfter)
    }

    /// The error carries no URL, so nothing here can print the token.
    static func failure(_ error: HTTPTransportError, what: String, timeout: TimeInterval) -> DeliveryFailure {
        switch error.reason {
        case .timedOut:
            // The request may have reached the server before the answer was lost.
            return .retry("\(what) did not answer within \(Int(timeout))s", uncertain: true)
        case .cannotConnect, .cannotResolveHost:
            return .unreachable("\(what) could not be reached (curl exit \(error.code)): check the network or the configured URL")
        case .badResponse:
            return .retry("\(what): the answer was not HTTP", uncertain: true)
        case .connectionLost:
            return .retry("\(what): the connection was lost during the request", uncertain: true)
        case .tlsFailed:
            return .permanent("\(what): the TLS connection failed (certificate or protocol, curl exit \(error.code))")
        case .notSent:
            // Nothing left this machine, so a retry cannot duplicate.
            return .retry("\(what): the request could not be prepared (no space or no access in the temporary folder?)")
        case .other:
            return .retry("\(what): the request failed (curl exit \(error.code))", uncertain: true)
        }
    }
}
