import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP/1.1 request as the server read it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target, query included (`/v1/messages?beta=true`).
    public var target: String
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data

    /// The path without the query.
    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }

    /// Query items, decoded.
    public var query: [String: String] {
        guard let components = URLComponents(string: "http://x\(target)") else { return [:] }
        var result: [String: String] = [:]
        for item in components.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }
}

/// Writes the answer to one request: either whole (`respond`) or as a stream of chunks (`startStream`,
/// `write`, `finish`) for Server-Sent Events.
public final class HTTPResponseWriter: @unchecked Sendable {
    let socket: Int32
    private(set) var finished = false
    private(set) var streaming = false
    /// False once a write failed: the client went away.
    public private(set) var connected = true

    init(socket: Int32) { self.socket = socket }

    public func respond(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        var all = headers
        all["Content-Length"] = "\(body.count)"
        writeHead(status: status, headers: all)
        send(body)
        finished = true
    }

    public func respond(status: Int, json: String) {
        respond(status: status, headers: ["Content-Type": "application/json"], body: Data(json.utf8))
    }

    /// Starts a chunked response; follow with `write` and `finish`.
    public func startStream(status: Int = 200, headers: [String: String] = [:]) {
        var all = headers
        all["Transfer-Encoding"] = "chunked"
        writeHead(status: status, headers: all)
        streaming = true
    }

    public func write(_ data: Data) {
        guard streaming, !data.isEmpty else { return }
        send(Data(String(data.count, radix: 16).utf8) + Data("\r\n".utf8) + data + Data("\r\n".utf8))
    }

    public func write(_ text: String) { write(Data(text.utf8)) }

    public func finish() {
        if streaming { send(Data("0\r\n\r\n".utf8)) }
        finished = true
    }

    /// Closes the connection without a proper answer, as a crashing server would.
    public func abort() {
        shutdown(socket, Int32(SHUT_RDWR))
        connected = false
        finished = true
    }

    private func writeHead(status: Int, headers: [String: String]) {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        send(Data(head.utf8))
    }

    private func send(_ data: Data) {
        guard connected else { return }
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Foundation.send(socket, buffer.baseAddress!.advanced(by: offset), buffer.count - offset, Platform.sendFlags)
                if sent <= 0 {
                    if sent < 0 && errno == EINTR { continue }
                    connected = false
                    return
                }
                offset += sent
            }
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 529: "Overloaded"
        default: "Status"
        }
    }
}

/// A small HTTP/1.1 server bound to 127.0.0.1, one thread per connection, keep-alive supported.
/// It serves Gateway's test doubles (the scripted model server, a fake Bot API); it is not a
/// general-purpose server.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest, HTTPResponseWriter) -> Void

    public let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var stopped = false
    private var connections: Set<Int32> = []
    /// Until the accept loop ends; guarded by `lock`.
    private var listenerOpen = true
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    /// Binds 127.0.0.1:`port` (0 picks a free port) and starts accepting.
    public init(port: UInt16 = 0, handler: @escaping Handler) throws {
        self.handler = handler
        let listener = socket(AF_INET, Platform.streamSocket, 0)
        self.listener = listener
        guard listener >= 0 else { throw LoopbackHTTPError.socket(errno) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            let code = errno
            close(listener)
            throw LoopbackHTTPError.bind(code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting and closes every open connection; the port is closed when it returns. Safe to call
    /// again (deinit does).
    ///
    /// Only the accept loop closes the listener, once it has left `accept`: closed from here while that
    /// thread was between two calls, its descriptor could go to another server's (another test's)
    /// listener, and the loop would then take and drop that server's connections.
    public func stop() {
        let listening: Bool = lock.withLock {
            guard !stopped else { return false }
            stopped = true
            // Under the lock, where a connection in the set is still open: outside it, one could close
            // meanwhile and its descriptor go to another server's socket, which this would then cut.
            for connection in connections { shutdown(connection, Int32(SHUT_RDWR)) }
            // Linux wakes a thread blocked in `accept` on this.
            if listenerOpen { shutdown(listener, Int32(SHUT_RDWR)) }
            return listenerOpen
        }
        guard listening else { return }
        // Where shutting down a listener does not wake `accept` (macOS), a connection does.
        Platform.connect(port: port)
        acceptLoopEnded.wait()
    }

    deinit { stop() }

    private func acceptLoop() {
        defer {
            lock.withLock {
                listenerOpen = false
                close(listener)
            }
            acceptLoopEnded.signal()
        }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted: Bool = lock.withLock {
                guard !stopped else { return false }
                connections.insert(connection)
                return true
            }
            guard accepted else {
                close(connection)
                return
            }
            Platform.prepare(connection)
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer {
            // Closed under the lock, so `stop` never shuts down a descriptor that was reused.
            lock.withLock {
                connections.remove(connection)
                close(connection)
            }
        }
        var reader = RequestReader(socket: connection)
        while let request = reader.next() {
            let writer = HTTPResponseWriter(socket: connection)
            handler(request, writer)
            if !writer.finished { writer.finish() }
            if !writer.connected || request.headers["connection"]?.lowercased() == "close" { return }
        }
    }
}

public enum LoopbackHTTPError: Error, CustomStringConvertible {
    case socket(Int32)
    case bind(Int32)

    public var description: String {
        switch self {
        case .socket(let code): "could not open a socket: \(String(cString: strerror(code)))"
        case .bind(let code): "could not listen on 127.0.0.1: \(String(cString: strerror(code)))"
        }
    }
}

/// Reads requests off a keep-alive connection: headers up to the blank line, then Content-Length bytes.
struct RequestReader {
    let socket: Int32
    var buffer = Data()

    init(socket: Int32) { self.socket = socket }

    mutating func next() -> HTTPRequest? {
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while true {
            headerEnd = buffer.range(of: separator)
            if headerEnd != nil { break }
            guard fill() else { return nil }
        }
        guard let end = headerEnd else { return nil }
        let head = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        buffer = Data(buffer[end.upperBound...])
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard fill() else { return nil }
        }
        let body = Data(buffer.prefix(length))
        buffer = Data(buffer.dropFirst(length))
        return HTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }
}

/// The few socket details that differ between Linux and macOS.
enum Platform {
    #if canImport(Glibc)
    static let streamSocket = Int32(SOCK_STREAM.rawValue)
    /// Never raise SIGPIPE when the client has gone: the write just fails.
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    static let streamSocket = SOCK_STREAM
    static let sendFlags: Int32 = 0
    #endif

    /// Opens and at once closes a connection to 127.0.0.1:`port`; refused or not, it does not matter.
    static func connect(port: UInt16) {
        let probe = socket(AF_INET, streamSocket, 0)
        guard probe >= 0 else { return }
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func prepare(_ connection: Int32) {
        var one: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if !canImport(Glibc)
        setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }
}
