import Foundation
import Testing
import GatewayTestSupport
@testable import GatewayKit
@testable import GatewayCore
import GatewayCLI

/// `gw mcp serve` hands over to `gw-mcp`, the server program installed beside `gw`, which `gw` itself
/// does not link.
@Suite struct MCPServeExecTests {
    #if os(Linux)
    @Test func gwMcpServeBecomesGwMcpInTheSameProcess() async throws {
        let fixture = try await TestTown()
        let client = try StdioClient(town: fixture.town.root)
        defer { client.close() }
        let initialize = try await client.request("initialize", [
            "protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": "test", "version": "1"],
        ])
        #expect(initialize["result"] != nil, "\(initialize)")
        // The pid Claude Code started (gw) now runs gw-mcp: exec, not a child process.
        let image = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(client.process.processIdentifier)/exe")
        let server = try builtProduct("gw-mcp").resolvingSymlinksInPath().path
        #expect(image == server)
    }
    #endif

    @Test func aMissingGwMcpIsNamedWithTheFix() async throws {
        let directory = TemporaryDirectory("gw-mcp-missing")
        var (environment, output) = GatewayEnvironment.test(workingDirectory: directory.url)
        environment.executablePath = directory.path("gw").path
        let code = await GatewayMain.execute(arguments: ["mcp", "serve"], environment: environment)
        #expect(code == 1)
        #expect(output.stderr.contains("\(directory.path("gw-mcp").path) is missing"))
        #expect(output.stderr.contains("swift build -c release"))
    }

    @Test func doctorFindsAMissingGwMcpAndSaysWhereToPutIt() async throws {
        let directory = TemporaryDirectory("gw-mcp-doctor")
        var (environment, _) = GatewayEnvironment.test(workingDirectory: directory.url)
        environment.executablePath = directory.path("gw").path
        let missing = Doctor(environment: environment, town: Town(root: directory.url)).mcpServerFindings()
        #expect(missing.map(\.status) == [.problem])
        #expect(missing.first?.fix == "cp .build/release/gw-mcp \(directory.path("gw-mcp").path)")
        environment.executablePath = try builtProduct("gw").path
        let found = Doctor(environment: environment, town: Town(root: directory.url)).mcpServerFindings()
        #expect(found.map(\.status) == [.ok])
    }

    @Test func gwDoesNotLinkTheMCPLibraryNorFoundationNetworking() throws {
        #if os(Linux)
        let ldd = try LiveProcessRunner.runBlocking(Command("ldd", [try builtProduct("gw").path]))
        #expect(ldd.succeeded)
        #expect(!ldd.stdout.contains("FoundationNetworking"), "\(ldd.stdout)")
        #expect(!ldd.stdout.contains("libcurl"), "\(ldd.stdout)")
        #endif
    }
}
