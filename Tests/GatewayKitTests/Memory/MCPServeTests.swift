import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
import GatewayTestSupport

/// A stdio MCP client of `gw mcp serve`: newline-delimited JSON-RPC on the child's stdin and stdout.
final class StdioClient: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var buffer = Data()
    var nextId = 1

    init(town: URL) throws {
        process.executableURL = try builtProduct("gw")
        process.arguments = ["mcp", "serve"]
        process.currentDirectoryURL = town
        process.environment = ProcessInfo.processInfo.environment.merging(["GW_TOWN": town.path]) { _, new in new }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ object: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: object)
        data.append(UInt8(ascii: "\n"))
        input.fileHandleForWriting.write(data)
    }

    /// Sends a request and reads lines until its response; fails on end of output. Each read waits on
    /// a thread of its own: the child may take seconds to answer on a loaded machine.
    func request(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        let id = nextId
        nextId += 1
        try send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        let reader = output.fileHandleForReading
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                if let object = try JSONSerialization.jsonObject(with: line) as? [String: Any], object["id"] as? Int == id { return object }
                continue
            }
            let chunk = await onOwnThread { reader.availableData }
            if chunk.isEmpty { throw GatewayError("gw mcp serve closed its output before answering \(method)") }
            buffer.append(chunk)
        }
    }

    /// The text of a tools/call result, and whether it was an error.
    func call(_ tool: String, _ arguments: [String: Any]) async throws -> (text: String, isError: Bool) {
        let response = try await request("tools/call", ["name": tool, "arguments": arguments])
        let result = try #require(response["result"] as? [String: Any], "\(response)")
        let content = try #require(result["content"] as? [[String: Any]])
        return (content.compactMap { $0["text"] as? String }.joined(), result["isError"] as? Bool ?? false)
    }

    func close() {
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
    }
}

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
