import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct ConfigCheckTests {
    func problems(_ text: String) -> [String] {
        do {
            _ = try GatewayConfig.parse(text)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func reportsEachProblemWithFileLineAndKey() {
        let text = """
            [town]
            name = "gt"
            colour = "blue"

            [mayor]
            agent = 7

            [heartbeat]
            every = "30 minutes"
            active_hours = { start = "8:00", end = "24:00", timezone = "Mars/Olympus" }
            """
        #expect(problems(text) == [
            "gateway.toml:3: town.colour: unknown key (known keys here: name)",
            "gateway.toml:6: mayor.agent: expected a string, found an integer",
            "gateway.toml:9: heartbeat.every: \"30 minutes\" is not a duration: write a number and a unit, like \"30s\", \"30m\", \"2h\" or \"1d\", or \"off\"",
            "gateway.toml:10: heartbeat.active_hours.start: \"8:00\" is not a clock time: write HH:MM from \"00:00\" to \"24:00\", like \"08:00\"",
            "gateway.toml:10: heartbeat.active_hours.timezone: \"Mars/Olympus\" is not a known IANA time zone: write one like \"Asia/Shanghai\", \"Europe/Berlin\" or \"UTC\"",
        ])
    }

    @Test func unknownSectionsAndBadSyntax() {
        let unknown = problems("[heartbeats]\nevery = \"1h\"\n")
        #expect(unknown.count == 1)
        #expect(unknown.first?.hasPrefix("gateway.toml:1: heartbeats: unknown key (known keys here: agents, ") == true)
        #expect(unknown.first?.contains("heartbeat, ") == true)
        let syntax = problems("[town]\nname = \"unterminated\n")
        #expect(syntax.count == 1)
        #expect(syntax[0].hasPrefix("gateway.toml:2: not valid TOML"))
    }

    @Test func tablesSpelledOutOnTheirOwnLines() {
        let text = """
            [heartbeat]
            every = "off"

            [heartbeat.active_hours]
            start = "22:00"
            end = "06:00"
            timezone = "Europe/Berlin"
            extra = 1
            """
        #expect(problems(text) == ["gateway.toml:8: heartbeat.active_hours.extra: unknown key (known keys here: end, start, timezone)"])
    }

    @Test func validValuesDecode() throws {
        let config = try GatewayConfig.parse("""
            [heartbeat]
            every = "1h30m"
            active_hours = { start = "22:00", end = "06:00", timezone = "Asia/Shanghai" }
            """)
        #expect(config.heartbeat.every == .minutes(90))
        #expect(config.heartbeat.activeHours == ActiveHours(start: ClockTime(hour: 22, minute: 0), end: ClockTime(hour: 6, minute: 0), timeZone: TimeZone(identifier: "Asia/Shanghai")))
        #expect(try GatewayConfig.parse("[heartbeat]\nevery = \"off\"\n").heartbeat.every == nil)
    }

    @Test func theCommandExits78AndNamesTheLine() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        let valid = await gw(["config", "check"], in: town.root)
        #expect(valid.code == 0)
        #expect(valid.stdout.contains("is valid"))
        try "[heartbeat]\nevery = \"soon\"\n".write(to: town.configFile, atomically: true, encoding: .utf8)
        let invalid = await gw(["config", "check"], in: town.root)
        #expect(invalid.code == 78)
        #expect(invalid.stderr.contains("gateway.toml:2: heartbeat.every: \"soon\" is not a duration"))
        // Every command that loads the config reports the same way.
        let status = await gw(["status"], in: town.root)
        #expect(status.code == 78)
        #expect(status.stderr.contains("gateway.toml:2: heartbeat.every"))
    }

    @Test func anUnreadableConfigIsAConfigError() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        try Data([0xff, 0xfe, 0x00]).write(to: town.configFile)
        let result = await gw(["config", "check"], in: town.root)
        #expect(result.code == 78)
        #expect(result.stderr.contains("gateway.toml"))
    }
}
