import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayMemory
import GatewayTestSupport

/// What Gateway creates for a town is the owner's alone, whatever the umask: other accounts on the
/// machine cannot read the ledger, the daemon's log, the agents' settings or the Mayor's memory.
@Suite struct TownPrivacyTests {
    static func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func aNewTownsStateIsTheOwnersAlone() async throws {
        let fixture = try await TestTown()
        let town = fixture.town
        #expect(try Self.mode(town.runtimeDirectory) == 0o700)
        #expect(try Self.mode(town.mayorDirectory) == 0o700)
        #expect(try Self.mode(town.ledgerFile) == 0o600)

        let log = try DaemonLog(url: DaemonLog.file(for: town))
        log.append(level: .notice, "a line")
        #expect(try Self.mode(DaemonLog.file(for: town)) == 0o600)

        let runtime = AgentRuntime.mayor(environment: fixture.environment, town: town, config: try town.loadConfig())
        try ClaudeHookSettings.write(for: runtime)
        #expect(try Self.mode(runtime.settingsFile) == 0o600)
        #expect(try Self.mode(runtime.mcpConfigFile) == 0o600)

        let memory = MemoryStore(environment: fixture.environment, town: town, config: try town.loadConfig())
        #expect(try await memory.append("The owner's doctor is Dr. Lin").appended)
        let logs = try FileManager.default.contentsOfDirectory(at: town.mayorDirectory.appendingPathComponent("memory"), includingPropertiesForKeys: nil)
        let today = try #require(logs.first { $0.lastPathComponent.hasPrefix("20") })
        #expect(try Self.mode(today) == 0o600)
    }

    /// A town made before the rule is closed when its agent starts.
    @Test func anOlderTownIsClosedWhenItsStateIsSecured() async throws {
        let fixture = try await TestTown()
        for url in [fixture.town.runtimeDirectory, fixture.town.mayorDirectory] { chmod(url.path, 0o755) }
        chmod(fixture.town.ledgerFile.path, 0o644)
        try TownPrivacy.secure(fixture.town)
        #expect(try Self.mode(fixture.town.runtimeDirectory) == 0o700)
        #expect(try Self.mode(fixture.town.mayorDirectory) == 0o700)
        #expect(try Self.mode(fixture.town.ledgerFile) == 0o600)
    }
}
