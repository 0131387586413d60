import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport
@testable import GatewayHeartbeat

/// The daemon's one config: read once, changed whole, a bad edit kept out with its file and line.
@Suite struct DaemonConfigTests {
    /// A bare town folder (its gateway.toml and runtime folder, nothing installed).
    func bareTown() async throws -> TestTown {
        try await TestTown(config: "[heartbeat]\nevery = \"30m\"", installed: false)
    }

    @Test func anEditIsTakenInWholeAndATouchChangesNothing() async throws {
        let fixture = try await bareTown()
        defer { fixture.close() }
        let town = fixture.town
        let config = try DaemonConfig(town: town)
        #expect(config.current.gateway.heartbeat.every == .minutes(30))
        #expect(config.reload() == DaemonConfig.Reload(), "nothing changed")

        try "[heartbeat]\nevery = \"5m\"\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        try "## News\n- read the news\n".write(to: town.heartbeatFile, atomically: true, encoding: .utf8)
        #expect(config.reload().applied == ["gateway.toml", "HEARTBEAT.md"])
        #expect(config.current.gateway.heartbeat.every == .minutes(5))
        #expect(try config.current.heartbeatDocument().tasks.map(\.name) == ["News"])
        #expect(config.current.generation == 1)

        // The same settings written differently: read, but nothing to hand on.
        try "[heartbeat]\nevery = \"5m\"   # the same\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        #expect(config.reload() == DaemonConfig.Reload())
        #expect(config.current.generation == 1)
    }

    @Test func aBadEditKeepsTheRunningConfigAndIsToldOncePerEdit() async throws {
        let fixture = try await bareTown()
        defer { fixture.close() }
        let town = fixture.town
        let config = try DaemonConfig(town: town)
        try "[heartbeat]\n\nevery = \"often\"\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        let first = config.reload()
        #expect(first.applied.isEmpty)
        let trouble = try #require(first.troubles.first)
        #expect(trouble.file == "gateway.toml")
        #expect(trouble.problems.count == 1)
        #expect(trouble.problems[0].hasPrefix("gateway.toml:3: heartbeat.every:"), "\(trouble.problems)")
        #expect(config.current.gateway.heartbeat.every == .minutes(30), "the running config is kept")
        #expect(config.troubles == [trouble])

        // Looked at again, unchanged: not a new edit.
        #expect(config.reload() == DaemonConfig.Reload())
        // Another bad edit is.
        try "[heartbeat]\nevery = \"often\"\nurgent = 7\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        let second = try #require(config.reload().troubles.first)
        #expect(second.edit != trouble.edit)
        #expect(second.problems.count == 2)

        // Fixed: in use, the trouble gone.
        try "[heartbeat]\nevery = \"10m\"\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        let fixed = config.reload()
        #expect(fixed.applied == ["gateway.toml"])
        #expect(fixed.cleared == ["gateway.toml"])
        #expect(config.troubles.isEmpty)
        // The first mistake made again after the fix is a new edit too.
        try "[heartbeat]\n\nevery = \"often\"\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        let again = try #require(config.reload().troubles.first)
        #expect(again.problems == trouble.problems)
        #expect(again.edit != trouble.edit)
    }

    @Test func aRemovedConfigOrABadHeartbeatFileIsKeptOutByFile() async throws {
        let fixture = try await bareTown()
        defer { fixture.close() }
        let town = fixture.town
        let config = try DaemonConfig(town: town)
        try FileManager.default.removeItem(at: town.configFile)
        try Data([0x23, 0x20, 0xFF, 0x0A]).write(to: town.heartbeatFile)
        let outcome = config.reload()
        #expect(outcome.troubles.map(\.file) == ["gateway.toml", "HEARTBEAT.md"])
        #expect(config.troubles.map(\.file) == ["HEARTBEAT.md", "gateway.toml"])
        #expect(config.troubles[0].problems == ["HEARTBEAT.md:1: is not UTF-8 text (byte 2 is invalid): save the file as UTF-8"])
        #expect(config.troubles[1].problems[0].contains("cannot be read"))
        #expect(config.current.gateway.heartbeat.every == .minutes(30))
        #expect(try config.current.heartbeatDocument() == .missing)
    }

    @Test func aDaemonNeverStartsOnAConfigItCannotRead() async throws {
        let fixture = try await bareTown()
        defer { fixture.close() }
        let town = fixture.town
        try "[daemon]\npoll = \"often\"\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        #expect(throws: GatewayError.self) { try DaemonConfig(town: town) }
        // A bad HEARTBEAT.md does not stop it: the heartbeat reports it until it is fixed.
        try "".write(to: town.configFile, atomically: true, encoding: .utf8)
        try "## Task\n> priority: top\n- x\n".write(to: town.heartbeatFile, atomically: true, encoding: .utf8)
        let config = try DaemonConfig(town: town)
        #expect(config.troubles.map(\.file) == ["HEARTBEAT.md"])
        #expect(throws: GatewayError.self) { try config.current.heartbeatDocument() }
    }
}
