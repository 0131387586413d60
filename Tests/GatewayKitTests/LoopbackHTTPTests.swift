import Foundation
import LoopbackHTTP
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
import GatewayTestSupport
#endif

@Suite struct LoopbackHTTPTests {
    @Test func answersRequestsAndStreams() async throws {
        let server = try LoopbackHTTPServer { request, writer in
            if request.path == "/stream" {
                writer.startStream(headers: ["Content-Type": "text/event-stream"])
                writer.write("data: one\n\n")
                writer.write("data: two\n\n")
                writer.finish()
            } else {
                writer.respond(status: 200, json: "{\"echo\":\"\(String(decoding: request.body, as: UTF8.self))\",\"q\":\"\(request.query["beta"] ?? "")\"}")
            }
        }
        defer { server.stop() }
        var post = URLRequest(url: URL(string: "\(server.baseURL)/x?beta=true")!)
        post.httpMethod = "POST"
        post.httpBody = Data("hi".utf8)
        let (body, response) = try await URLSession.shared.data(for: post)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == "{\"echo\":\"hi\",\"q\":\"true\"}")
        let (stream, _) = try await URLSession.shared.data(from: URL(string: "\(server.baseURL)/stream")!)
        #expect(String(decoding: stream, as: UTF8.self) == "data: one\n\ndata: two\n\n")
    }
}
