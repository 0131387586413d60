import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

@Suite struct MCPServeTests {
    @Test func aStdioClientListsAndCallsTheTools() async throws {
        let fixture = try await TestTown()
        let client = try StdioClient(town: fixture.town.root)
        defer { client.close() }
        let initialize = try await client.request("initialize", [
            "protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": "test", "version": "1"],
        ])
        let info = try #require((initialize["result"] as? [String: Any])?["serverInfo"] as? [String: Any], "\(initialize)")
        #expect(info["name"] as? String == "gateway")
        try client.send(["jsonrpc": "2.0", "method": "notifications/initialized"])

        let list = try await client.request("tools/list")
        let names = ((list["result"] as? [String: Any])?["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(Set(names ?? []) == ["memory_search", "memory_get", "memory_append", "notify", "heartbeat_status", "convoy_status"])

        let appended = try await client.call("memory_append", ["text": "The owner reads 科技新闻 every morning", "date": "2026-03-14"])
        #expect(!appended.isError, "\(appended.text)")
        #expect(appended.text.contains("memory/2026-03-14.md"))
        let log = try await client.call("memory_get", ["date": "2026-03-14"])
        #expect(log.text.contains("The owner reads 科技新闻 every morning"))
        let found = try await client.call("memory_search", ["query": "新闻"])
        #expect(found.text.contains("memory/2026-03-14.md"), "\(found.text)")
        #expect(try await fixture.git("log -1 --format=%s hooks/mayor").contains("Append to memory/2026-03-14.md"))

        let status = try await client.call("heartbeat_status", [:])
        #expect(!status.isError, "\(status.text)")
        let convoys = try await client.call("convoy_status", [:])
        #expect(!convoys.isError && convoys.text.hasPrefix("["), "\(convoys.text)")

        let missing = try await client.call("memory_append", [:])
        #expect(missing.isError && missing.text.contains("\"text\" is missing"))
        let noTarget = try await client.call("notify", ["text": "hello"])
        #expect(noTarget.isError && noTarget.text.contains("no notification target is configured"))
        let unknown = try await client.call("memory_delete", [:])
        #expect(unknown.isError && unknown.text.contains("there is no tool"))
    }

    @Test func theMayorsLaunchRegistersTheServer() async throws {
        let fixture = try await TestTown()
        let config = try GatewayConfig.parse("[mayor]\nagent = \"sim\"\n")
        let runtime = AgentRuntime.mayor(environment: fixture.environment, town: fixture.town, config: config)
        let argv = try runtime.launchArguments(sessionId: "s", resume: false)
        let flag = try #require(argv.firstIndex(of: "--mcp-config"))
        #expect(argv[flag + 1] == runtime.mcpConfigFile.path)
        try ClaudeHookSettings.write(for: runtime)
        let mcp = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: runtime.mcpConfigFile)) as? [String: Any])
        let server = try #require((mcp["mcpServers"] as? [String: Any])?["gateway"] as? [String: Any])
        #expect(server["args"] as? [String] == ["mcp", "serve"])
        #expect((server["env"] as? [String: String])?["GW_TOWN"] == fixture.town.root.path)
        let settings = try FileSystem.readText(runtime.settingsFile)
        #expect(settings.contains("mcp__gateway"))
    }
}
