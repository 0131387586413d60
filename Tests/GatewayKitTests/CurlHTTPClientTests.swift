import Foundation
import LoopbackHTTP
import Testing
@testable import GatewayCore

/// `CurlHTTPClient` against a real loopback server, through the real `curl`.
@Suite struct CurlHTTPClientTests {
    /// Runs commands for real and keeps each one, so a test can read the argv curl was given.
    final class RecordingRunner: ProcessRunning, @unchecked Sendable {
        private let recorded = LockedBox<[Command]>([])
        var commands: [Command] { recorded.get() }

        func run(_ command: Command) async throws -> ProcessResult {
            recorded.update { $0.append(command) }
            return try await LiveProcessRunner().run(command)
        }
    }

    /// Every byte value, NUL first.
    static let binary = Data((0...255).map { UInt8($0) } + [0, 0, 13, 10, 13, 10])

    /// Answers `/status/N` with N, echoes a POST's body back, sleeps on `/slow`, redirects `/old`.
    static func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request, writer in
            switch request.path {
            case "/slow":
                Thread.sleep(forTimeInterval: 3)
                writer.respond(status: 200, body: Data("late".utf8))
            case "/old":
                writer.respond(status: 302, headers: ["Location": "/new"])
            case "/new":
                writer.respond(status: 200, headers: ["X-Method": request.method], body: Data("moved".utf8))
            case "/echo":
                var headers = ["X-Method": request.method, "X-Got-Auth": request.headers["authorization"] ?? "-",
                               "X-Got-Expect": request.headers["expect"] ?? "-", "Content-Type": "application/octet-stream"]
                headers["X-Got-Type"] = request.headers["content-type"] ?? "-"
                writer.respond(status: 200, headers: headers, body: request.body)
            default:
                let status = Int(request.path.split(separator: "/").last ?? "") ?? 404
                writer.respond(status: status, headers: ["Retry-After": "7", "X-Mixed-Case": "Value Kept"], body: Data("{\"status\":\(status)}".utf8))
            }
        }
    }

    let client = CurlHTTPClient(processes: LiveProcessRunner())

    @Test(arguments: [200, 429, 500])
    func theStatusHeadersAndBodyComeBackAsTheServerSentThem(status: Int) async throws {
        let server = try Self.server()
        defer { server.stop() }
        let response = try await client.send(HTTPClientRequest(url: URL(string: "\(server.baseURL)/status/\(status)")!, timeout: 10))
        #expect(response.status == status)
        #expect(response.headers["retry-after"] == "7")
        #expect(response.headers["x-mixed-case"] == "Value Kept")
        #expect(response.header("Content-Length") == "\(response.body.count)")
        #expect(response.body == Data("{\"status\":\(status)}".utf8))
    }

    @Test func aBinaryBodyTravelsBothWaysByteForByte() async throws {
        let server = try Self.server()
        defer { server.stop() }
        // Larger than the 1 KiB past which curl would ask for `100-continue` and wait for the answer.
        let body = Data(repeating: 0, count: 4096) + Self.binary
        let request = HTTPClientRequest(url: URL(string: "\(server.baseURL)/echo")!, method: "POST",
                                        headers: ["Content-Type": "application/octet-stream", "Authorization": "Bearer a \"quoted\" \\ value"],
                                        body: body, timeout: 10)
        let response = try await client.send(request)
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.headers["x-method"] == "POST")
        #expect(response.headers["x-got-auth"] == "Bearer a \"quoted\" \\ value")
        #expect(response.headers["x-got-type"] == "application/octet-stream")
        #expect(response.headers["x-got-expect"] == "-")
    }

    @Test func aBodyOverTheCapIsNotTaken() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let url = URL(string: "\(server.baseURL)/echo")!
        let body = Data(repeating: 7, count: 5000)
        let small = try await client.send(HTTPClientRequest(url: url, method: "POST", body: body, timeout: 10, maxBodyBytes: 5000))
        #expect(small.body == body, "a body of exactly the cap comes through")
        await #expect(throws: HTTPTransportError(.other, code: 63), "curl refuses it") {
            try await client.send(HTTPClientRequest(url: url, method: "POST", body: body, timeout: 10, maxBodyBytes: 4999))
        }
    }

    @Test func anEmptyAnswerIsAnEmptyBody() async throws {
        let server = try LoopbackHTTPServer { _, writer in writer.respond(status: 204) }
        defer { server.stop() }
        let response = try await client.send(HTTPClientRequest(url: URL(string: "\(server.baseURL)/none")!, timeout: 10))
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
    }

    @Test func aRedirectIsFollowedAndAPostBecomesAGetAsURLSessionDid() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let response = try await client.send(HTTPClientRequest(url: URL(string: "\(server.baseURL)/old")!, method: "POST",
                                                               body: Data("x".utf8), timeout: 10))
        #expect(response.status == 200)
        #expect(response.body == Data("moved".utf8))
        #expect(response.headers["x-method"] == "GET")
        #expect(response.headers["location"] == nil)
    }

    /// The server answers after 3 s: a timeout rather than its late answer shows curl gave up at 0.5 s.
    @Test func noAnswerWithinTheTimeoutIsATimeout() async throws {
        let server = try Self.server()
        defer { server.stop() }
        await #expect(throws: HTTPTransportError(.timedOut, code: 28)) {
            _ = try await client.send(HTTPClientRequest(url: URL(string: "\(server.baseURL)/slow")!, timeout: 0.5))
        }
    }

    @Test func aRefusedConnectionIsCannotConnect() async throws {
        // Bound and never listening: refused, and no other test's server can take the port meanwhile.
        var closed = try ClosedPort()
        defer { closed.release() }
        let base = "http://127.0.0.1:\(closed.port)"
        await #expect(throws: HTTPTransportError(.cannotConnect, code: 7)) {
            _ = try await client.send(HTTPClientRequest(url: URL(string: "\(base)/status/200")!, timeout: 5))
        }
    }

    @Test func secretsInTheURLAndHeadersNeverReachArgvNorTheError() async throws {
        // Bound and never listening: refused, and no other test's server can take the port meanwhile.
        var closed = try ClosedPort()
        defer { closed.release() }
        let base = "http://127.0.0.1:\(closed.port)"
        let runner = RecordingRunner()
        let request = HTTPClientRequest(url: URL(string: "\(base)/botSECRET-TOKEN/sendMessage")!, method: "POST",
                                        headers: ["Authorization": "Bearer SECRET-HEADER"], body: Data("{}".utf8), timeout: 5)
        var thrown: (any Error)?
        do {
            _ = try await CurlHTTPClient(processes: runner).send(request)
        } catch {
            thrown = error
        }
        let error = try #require(thrown)
        #expect(!String(describing: error).contains("SECRET"))
        #expect(!error.localizedDescription.contains("SECRET"))
        #expect(!"\(error.userMessage)".contains("SECRET"))
        let command = try #require(runner.commands.first)
        #expect(runner.commands.count == 1)
        #expect(!command.argv.contains { $0.contains("SECRET") })
        #expect(!command.description.contains("SECRET"))
        // They went on stdin instead, and the exchange's private folder is gone.
        let config = String(decoding: command.standardInput ?? Data(), as: UTF8.self)
        #expect(config.contains("url = \"\(base)/botSECRET-TOKEN/sendMessage\""))
        #expect(config.contains("header = \"Authorization: Bearer SECRET-HEADER\""))
        let output = try #require(command.arguments.firstIndex(of: "--output"))
        #expect(!FileManager.default.fileExists(atPath: URL(fileURLWithPath: command.arguments[output + 1]).deletingLastPathComponent().path))
        #expect(command.arguments.first == "--disable")
    }

    @Test func aHeaderWithALineBreakIsRefusedWithoutShowingIt() async throws {
        let request = HTTPClientRequest(url: URL(string: "http://127.0.0.1:9/")!, headers: ["X-Token": "SECRET\nX-Injected: 1"], timeout: 5)
        await #expect(throws: GatewayError("the header X-Token contains a line break, which HTTP does not allow")) {
            _ = try await client.send(request)
        }
    }

    @Test func theLastResponsesHeadersAreKeptAndRepeatsJoined() {
        let dump = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\nLocation: /new\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Folded: one\r\n two\r\nContent-Length: 0\r\n\r\n"
        #expect(CurlHeaderDump.lastResponseHeaders(dump) == ["set-cookie": "a=1, b=2", "x-folded": "one two", "content-length": "0"])
    }

    @Test func curlsExitStatusesMapToReasons() {
        #expect(CurlExit.transportError(28).reason == .timedOut)
        #expect(CurlExit.transportError(6).reason == .cannotResolveHost)
        #expect(CurlExit.transportError(7).reason == .cannotConnect)
        #expect(CurlExit.transportError(52).reason == .connectionLost)
        #expect(CurlExit.transportError(60).reason == .tlsFailed)
        #expect(CurlExit.transportError(26).reason == .notSent)
        #expect(CurlExit.transportError(47).reason == .other)
    }

    @Test func timeoutsKeepTheirFractionInCurlsSyntax() {
        #expect(CurlRequestConfig.seconds(30) == "30")
        #expect(CurlRequestConfig.seconds(0.5) == "0.500")
        #expect(CurlRequestConfig.seconds(1.25) == "1.250")
        #expect(CurlRequestConfig.seconds(0) == "0.001")
    }
}
