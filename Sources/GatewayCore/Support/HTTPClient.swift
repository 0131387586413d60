import Foundation

/// One HTTP request, as plain values.
public struct HTTPClientRequest: Sendable {
    public var url: URL
    public var method: String
    public var headers: [String: String]
    public var body: Data?
    /// How long the whole exchange may take.
    public var timeout: TimeInterval
    /// An answer's body larger than this is not taken (a download of someone else's file): the client
    /// stops reading and throws, or the caller finds the body too large. Nil: no cap.
    public var maxBodyBytes: Int64?

    public init(url: URL, method: String = "GET", headers: [String: String] = [:], body: Data? = nil, timeout: TimeInterval,
                maxBodyBytes: Int64? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }
}

/// What the server answered.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { _, last in last }
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The environment's way to the network. A failure in transport is thrown as an `HTTPTransportError`,
/// whose reason callers map to retry or give up; any answer at all, whatever its status, is a response.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse
}

/// Why a request got no HTTP answer. It carries no URL and no header, so its text may be shown and
/// logged: a Telegram URL holds the bot token, a webhook's headers its credentials.
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// No answer within the request's timeout; the server may have taken the request meanwhile.
        case timedOut
        /// The host's name did not resolve (nor, when one is set, the proxy's).
        case cannotResolveHost
        /// Nothing accepted the connection: the server is down or the port is wrong.
        case cannotConnect
        /// The connection broke after the request was (perhaps) sent.
        case connectionLost
        /// The server answered something that is not HTTP.
        case badResponse
        /// TLS failed: the certificate, its chain, or the protocol.
        case tlsFailed
        /// The request never left this machine: its files could not be written or read (a full disk).
        case notSent
        case other
    }

    public var reason: Reason
    /// The transport's own code (curl's exit status; 0 when curl never ran), for the record.
    public var code: Int32

    public init(_ reason: Reason, code: Int32) {
        self.reason = reason
        self.code = code
    }

    public var description: String { "HTTP transport failed (\(reason.rawValue)\(code == 0 ? "" : ", curl exit \(code)"))" }
}

/// For an environment that was never meant to reach the network: every request fails, naming why.
public struct UnconfiguredHTTPClient: HTTPClient {
    public init() {}

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        throw GatewayError("this environment has no HTTP client (GatewayEnvironment was built without `http:`)")
    }
}
