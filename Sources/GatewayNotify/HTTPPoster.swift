import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs JSON with Foundation's URLSession (no extra HTTP dependency) and turns transport errors into
/// delivery failures whose text never includes the URL, which for Telegram carries the bot token.
public struct HTTPPoster: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
        public var retryAfterHeader: TimeInterval?
    }

    public init() {}

    public func postJSON(_ address: String, body: [String: Any], headers: [String: String], timeout: TimeInterval, what: String) async throws(DeliveryFailure) -> Response {
        guard let url = URL(string: address) else { throw .permanent("\(what): the configured URL is not valid") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw .permanent("\(what): the message could not be encoded as JSON")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            throw Self.failure(error, what: what, timeout: timeout)
        } catch {
            // Not a URLError, so nothing says how far the request got: it may have been accepted, and a
            // repeat must be flagged as a possible duplicate.
            throw .retry("\(what): the request failed (\(type(of: error)))", uncertain: true)
        }
        // Something answered, so the request may have been taken.
        guard let http = response as? HTTPURLResponse else { throw .retry("\(what): the answer was not HTTP", uncertain: true) }
        let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(TimeInterval.init)
        return Response(status: http.statusCode, body: data, retryAfterHeader: retryAfter)
    }

    /// Only the error's code is used: its description would print the URL.
    static func failure(_ error: URLError, what: String, timeout: TimeInterval) -> DeliveryFailure {
        switch error.code {
        case .timedOut:
            // The request may have reached the server before the answer was lost.
            return .retry("\(what) did not answer within \(Int(timeout))s", uncertain: true)
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return .unreachable("\(what) could not be reached (\(error.code.rawValue)): check the network or the configured URL")
        case .networkConnectionLost:
            return .retry("\(what): the connection was lost during the request", uncertain: true)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid:
            return .permanent("\(what): the TLS connection failed (certificate or protocol, \(error.code.rawValue))")
        default:
            return .retry("\(what): the request failed (URL error \(error.code.rawValue))", uncertain: true)
        }
    }
}
