import Foundation
import LoopbackHTTP
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The Mayor's `notify` tool is size-capped and rate-limited across every `gw mcp serve` process, and
/// a refusal tells the agent the limit, the setting and when to try again.
@Suite struct MCPNotifyLimitTests {
    final class Posts: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [String] = []
        func add(_ body: String) { lock.withLock { bodies.append(body) } }
        var count: Int { lock.withLock { bodies.count } }
    }

    static func started(_ town: URL) async throws -> StdioClient {
        let client = try StdioClient(town: town)
        _ = try await client.request("initialize", [
            "protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": "test", "version": "1"],
        ])
        try client.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
        return client
    }

    @Test func theLimitHoldsAcrossServersAndRefusalsSayWhenToRetry() async throws {
        let fixture = try await TestTown()
        let posts = Posts()
        let server = try LoopbackHTTPServer { request, response in
            posts.add(String(decoding: request.body, as: UTF8.self))
            response.respond(status: 200)
        }
        defer { server.stop() }
        // The town's template has an [mcp] table (its settings commented out): the limits go in it.
        let template = try String(contentsOf: fixture.town.configFile, encoding: .utf8)
        #expect(template.contains("\n[mcp]\n"))
        try fixture.configure("""
            [mcp]
            notify_limit = 3
            notify_window = "10m"
            notify_max_bytes = 2000

            [notify.targets.hook]
            kind = "webhook"
            url = "\(server.baseURL)/notify"
            """)
        // Three servers, as three agents' Claude Code would start them, taking turns.
        var clients: [StdioClient] = []
        for _ in 0..<3 { clients.append(try await Self.started(fixture.town.root)) }
        defer { clients.forEach { $0.close() } }
        var accepted: [String] = []
        var refused: [String] = []
        for round in 0..<3 {
            for (index, client) in clients.enumerated() {
                let result = try await client.call("notify", ["text": "urgent \(round)-\(index)", "priority": "urgent"])
                if result.isError { refused.append(result.text) } else { accepted.append(result.text) }
            }
        }
        #expect(accepted.count == 3, "\(accepted)")
        #expect(accepted.allSatisfy { $0.hasPrefix("delivered:") }, "\(accepted)")
        #expect(refused.count == 6)
        #expect(refused.allSatisfy { $0.contains("at most 3 notifications per 10m") && $0.contains("notify_limit") && $0.contains("Try again in") },
                "\(refused.first ?? "")")
        // Each accepted call returned only once its post was made: the server has them all, and no more.
        #expect(posts.count == 3)

        let big = try await clients[0].call("notify", ["text": String(repeating: "长", count: 14_000)])
        #expect(big.isError && big.text.contains("42007 bytes") && big.text.contains("notify_max_bytes"), "\(big.text)")
        let rows = try await Ledger(file: fixture.town.ledgerFile).outboxEntries(limit: 100)
        #expect(rows.count == 3)
    }
}
