import Foundation
import Testing
import GatewayCore

/// A stdio MCP client of `gw mcp serve`: newline-delimited JSON-RPC on the child's stdin and stdout.
public final class StdioClient: @unchecked Sendable {
    public let process = Process()
    public let input = Pipe()
    public let output = Pipe()
    public var buffer = Data()
    public var nextId = 1

    public init(town: URL) throws {
        process.executableURL = try builtProduct("gw")
        process.arguments = ["mcp", "serve"]
        process.currentDirectoryURL = town
        process.environment = ProcessInfo.processInfo.environment.merging(["GW_TOWN": town.path]) { _, new in new }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    public func send(_ object: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: object)
        data.append(UInt8(ascii: "\n"))
        input.fileHandleForWriting.write(data)
    }

    /// Sends a request and reads lines until its response; fails on end of output. Each read waits on
    /// a thread of its own: the child may take seconds to answer on a loaded machine.
    public func request(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
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
    public func call(_ tool: String, _ arguments: [String: Any]) async throws -> (text: String, isError: Bool) {
        let response = try await request("tools/call", ["name": tool, "arguments": arguments])
        let result = try #require(response["result"] as? [String: Any], "\(response)")
        let content = try #require(result["content"] as? [[String: Any]])
        return (content.compactMap { $0["text"] as? String }.joined(), result["isError"] as? Bool ?? false)
    }

    public func close() {
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
    }
}
