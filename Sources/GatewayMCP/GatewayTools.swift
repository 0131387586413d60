import Foundation
import GatewayKit
import MCP
import GatewayCore
import GatewayNotify
import GatewayMemory
import GatewayHeartbeat

/// The tools `gw mcp serve` offers the Mayor: its memory, notifications, and the town's status. Each
/// call runs the same GatewayKit code as the matching `gw` command; a failure comes back as a tool
/// error whose text says what to do, never as a broken connection.
public struct GatewayTools: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    public static let list: [Tool] = [
        tool("memory_search", "Search the Mayor's memory files (MEMORY.md, daily logs, session logs); ranked hits with file, line and snippet.",
             ["query": ("string", "Words to find; Chinese works too."), "limit": ("integer", "At most this many hits (default 10).")], required: ["query"]),
        tool("memory_get", "Read MEMORY.md, or the daily log of a date.",
             ["date": ("string", "YYYY-MM-DD, today or yesterday; leave out for MEMORY.md.")], required: []),
        tool("memory_append", "Append an entry to a daily log (today's by default), committed to the Mayor's hook. Appending the same text again adds nothing.",
             ["text": ("string", "The entry."), "date": ("string", "YYYY-MM-DD, today or yesterday."), "section": ("string", "A heading to file it under.")],
             required: ["text"]),
        tool("notify", "Send a notification to the owner through a target of gateway.toml (Telegram, email, desktop, webhook). Limited to a few short messages a minute ([mcp] in gateway.toml): keep it to what the owner must know now.",
             ["text": ("string", "The message."), "target": ("string", "A [notify.targets.NAME]; may be left out when there is only one."),
              "title": ("string", "The title (email subject)."), "priority": ("string", "normal or urgent.")], required: ["text"]),
        tool("heartbeat_status", "When the next heartbeat is due and how the last one went.", [:], required: []),
        tool("convoy_status", "The most recent convoys (tracked batches of work) and how far each has come.",
             ["limit": ("integer", "At most this many convoys (default 10).")], required: []),
    ]

    static func tool(_ name: String, _ description: String, _ properties: [String: (type: String, description: String)], required: [String]) -> Tool {
        let schema: [String: Value] = properties.mapValues { .object(["type": .string($0.type), "description": .string($0.description)]) }
        return Tool(name: name, description: description,
                    inputSchema: .object(["type": "object", "properties": .object(schema), "required": .array(required.map { .string($0) })]))
    }

    /// Runs one tool call.
    public func call(_ name: String, arguments: [String: Value]) async -> CallTool.Result {
        do {
            return .init(content: [.text(text: try await run(name, arguments), annotations: nil, _meta: nil)], isError: false)
        } catch {
            return .init(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
        }
    }

    func run(_ name: String, _ arguments: [String: Value]) async throws -> String {
        let config = try town.loadConfig()
        let memory = MemoryStore(environment: environment, town: town, config: config)
        switch name {
        case "memory_search":
            let hits = try await memory.search(try Self.required("query", arguments), limit: arguments["limit"]?.intValue ?? 10)
            return try Self.json(hits)
        case "memory_get":
            return try memory.show(day: arguments["date"]?.stringValue).text
        case "memory_append":
            let result = try await memory.append(try Self.required("text", arguments), day: arguments["date"]?.stringValue,
                                                 section: arguments["section"]?.stringValue)
            return try Self.json(result)
        case "notify":
            let target = try arguments["target"]?.stringValue ?? Self.onlyTarget(config)
            let priority = try arguments["priority"]?.stringValue.map { try NotificationPriority.parse($0, given: "priority") } ?? .normal
            return try await AgentNotify(environment: environment, town: town, config: config)
                .send(target: target, title: arguments["title"]?.stringValue ?? "Gateway", text: try Self.required("text", arguments), priority: priority)
        case "heartbeat_status":
            return try Self.json(try await HeartbeatStatusReader(environment: environment, town: town).read())
        case "convoy_status":
            return try Self.json(try await Ledger(file: town.ledgerFile).convoys(limit: arguments["limit"]?.intValue ?? 10))
        default:
            throw GatewayError.usage("there is no tool \"\(name)\": the tools are \(Self.list.map(\.name).joined(separator: ", "))")
        }
    }

    static func required(_ key: String, _ arguments: [String: Value]) throws -> String {
        guard let value = arguments[key]?.stringValue, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GatewayError.usage("the argument \"\(key)\" is missing or empty")
        }
        return value
    }

    static func onlyTarget(_ config: GatewayConfig) throws -> String {
        let names = config.notify.targets.keys.sorted()
        guard names.count == 1, let only = names.first else {
            throw GatewayError.usage(names.isEmpty
                ? "no notification target is configured: add a [notify.targets.NAME] to gateway.toml"
                : "name the target: one of \(names.joined(separator: ", "))")
        }
        return only
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// `gw mcp serve`: the tools over stdio until the client closes the connection.
public enum GatewayMCPServer {
    public static func serve(environment: GatewayEnvironment, town: Town) async throws {
        let tools = GatewayTools(environment: environment, town: town)
        let server = Server(name: "gateway", version: "1", capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: GatewayTools.list) }
        await server.withMethodHandler(CallTool.self) { params in
            await tools.call(params.name, arguments: params.arguments ?? [:])
        }
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }
}
