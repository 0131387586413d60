import Foundation
import Testing
@testable import GatewayKit
#if canImport(FoundationNetworking)
import FoundationNetworking
import GatewayTestSupport
#endif

@Suite struct ModelSimProcessTests {
    @Test func startsOnAFreePortAnswersAndLogsAndDiesWhenKilled() async throws {
        let directory = TemporaryDirectory("model-sim-process")
        let sim = try await ModelSimProcess(rules: "[[rule]]\nmatch = \"ping\"\nreply = \"pong\"\n", in: directory.url)
        var request = URLRequest(url: URL(string: "\(sim.baseURL)/v1/messages?beta=true")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"model":"m","stream":false,"messages":[{"role":"user","content":"ping 世界"}]}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let message = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let content = try #require(message["content"] as? [[String: Any]])
        #expect(content.first?["text"] as? String == "pong")
        let logged = try sim.requests()
        #expect(logged.count == 1)
        #expect(logged.first?["last_user_text"] as? String == "ping 世界")
        #expect(logged.first?["rule"] as? String == "rule 1")
        sim.stop()
        #expect(sim.process.terminationReason == .uncaughtSignal)
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(for: request) }
    }

    @Test func badRulesStopItWithTheFileAndLine() async throws {
        let directory = TemporaryDirectory("model-sim-process")
        let rules = directory.path("bad.toml")
        try "[[rule]]\nmatch = \"a\"\nstatsu = 500\n".write(to: rules, atomically: true, encoding: .utf8)
        let result = try await runProduct("gw-model-sim", ["--rules", rules.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(rules.path):1: rule 1: unknown key \"statsu\""))
        #expect(result.stdout.isEmpty)
        let usage = try await runProduct("gw-model-sim", ["--port", "many"])
        #expect(usage.status == 2)
    }
}
