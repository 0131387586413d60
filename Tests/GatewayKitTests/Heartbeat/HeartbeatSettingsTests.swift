import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct HeartbeatSettingsTests {
    private func problems(_ toml: String) -> [String] {
        do {
            _ = try GatewayConfig.parse(toml)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func defaultsWhenTheSectionIsAbsent() throws {
        let settings = try GatewayConfig.parse("").heartbeat
        #expect(settings.every == .minutes(30))
        #expect(settings.activeHours == nil)
        #expect(settings.notify.isEmpty && settings.urgent.isEmpty)
        #expect(settings.prompt == nil)
        #expect(settings.ackMaxChars == 300)
        #expect(settings.catchUp == .one)
        #expect(settings.organizeAt == ClockTime(hour: 4, minute: 0))
        #expect(settings.window(system: zone("Asia/Shanghai")) == nil)
        #expect(settings.timeZone(system: zone("Asia/Shanghai")).identifier == "Asia/Shanghai")
    }

    @Test func readsEveryKey() throws {
        let settings = try GatewayConfig.parse("""
            [heartbeat]
            every = "1h"
            active_hours = { start = "22:00", end = "06:00", timezone = "Europe/Berlin" }
            notify = ["phone", "mail"]
            urgent = ["phone"]
            prompt = "Beat at {{time}}. {{tasks}}"
            ack_max_chars = 50
            catch_up = "none"
            organize_at = "03:30"
            """).heartbeat
        #expect(settings.every == .hours(1))
        #expect(settings.activeHours == ActiveHours(start: ClockTime(hour: 22, minute: 0), end: ClockTime(hour: 6, minute: 0), timeZone: zone("Europe/Berlin")))
        #expect(settings.notify == ["phone", "mail"])
        #expect(settings.urgentTargets == ["phone"])
        #expect(settings.prompt == "Beat at {{time}}. {{tasks}}")
        #expect(settings.ackMaxChars == 50)
        #expect(settings.catchUp == CatchUpPolicy.none)
        #expect(settings.organizeAt == ClockTime(hour: 3, minute: 30))
        #expect(settings.timeZone().identifier == "Europe/Berlin")
    }

    @Test func offAndTheEndOfTheDay() throws {
        let settings = try GatewayConfig.parse("""
            [heartbeat]
            every = "off"
            active_hours = { start = "00:00", end = "24:00" }
            organize_at = "off"
            """).heartbeat
        #expect(settings.every == nil)
        #expect(settings.organizeAt == nil)
        #expect(settings.activeHours?.end.minutes == 1440)
        #expect(settings.activeHours?.timeZone == nil)
        #expect(settings.urgentTargets.isEmpty)
    }

    @Test func urgentTargetsDefaultToNotify() throws {
        let settings = try GatewayConfig.parse("[heartbeat]\nnotify = [\"mail\"]\n").heartbeat
        #expect(settings.urgentTargets == ["mail"])
    }

    @Test func badDurationNamesFileLineAndKey() {
        #expect(problems("[heartbeat]\nevery = \"soon\"\n") == [
            "gateway.toml:2: heartbeat.every: \"soon\" is not a duration: write a number and a unit, like \"30s\", \"30m\", \"2h\" or \"1d\", or \"off\"",
        ])
    }

    @Test func badClockTimeAndZone() {
        #expect(problems("""
            [town]
            name = "t"
            [heartbeat]
            active_hours = { start = "8am", end = "23:00", timezone = "Mars/Base" }
            """) == [
            "gateway.toml:4: heartbeat.active_hours.start: \"8am\" is not a clock time: write HH:MM from \"00:00\" to \"24:00\", like \"08:00\"",
            "gateway.toml:4: heartbeat.active_hours.timezone: \"Mars/Base\" is not a known IANA time zone: write one like \"Asia/Shanghai\", \"Europe/Berlin\" or \"UTC\"",
        ])
    }

    @Test func emptyWindowAndMissingEnd() {
        #expect(problems("[heartbeat]\nactive_hours = { start = \"08:00\", end = \"08:00\" }\n") == [
            "gateway.toml:2: heartbeat.active_hours.end: equals start: the window would be empty; remove active_hours to be always active",
        ])
        #expect(problems("[heartbeat.active_hours]\nstart = \"08:00\"\n") == [
            "gateway.toml:1: heartbeat.active_hours.end: is required, like end = \"23:00\"",
        ])
    }

    @Test func wrongTypes() {
        #expect(problems("""
            [heartbeat]
            every = 30
            ack_max_chars = "300"
            notify = "phone"
            urgent = [1]
            active_hours = "08:00-23:00"
            """) == [
            "gateway.toml:2: heartbeat.every: expected a string, found an integer",
            "gateway.toml:6: heartbeat.active_hours: expected a table, found a string",
            "gateway.toml:5: heartbeat.urgent: expected an array of strings, found an element that is an integer",
            "gateway.toml:3: heartbeat.ack_max_chars: expected an integer, found a string",
        ])
    }

    @Test func badChoicesTargetsPromptAndOrganizeTime() {
        #expect(problems("""
            [heartbeat]
            catch_up = "all"
            notify = ["my phone"]
            prompt = "Weather: {{weather}} {{tasks}}"
            organize_at = "24:00"
            ack_max_chars = -1
            """) == [
            "gateway.toml:3: heartbeat.notify: \"my phone\" is not a target name: write names without spaces, like notify = [\"phone\", \"mail\"]",
            "gateway.toml:4: heartbeat.prompt: unknown placeholder {{weather}} (known: {{time}}, {{timezone}}, {{date}}, {{log_file}}, {{notes}}, {{tasks}}, {{reply_protocol}})",
            "gateway.toml:6: heartbeat.ack_max_chars: must be between 0 and 100000, not -1",
            "gateway.toml:2: heartbeat.catch_up: must be one of \"one\", \"none\", not \"all\"",
            "gateway.toml:5: heartbeat.organize_at: \"24:00\" is the end of the day: write \"00:00\" for midnight",
        ])
        #expect(problems("[heartbeat]\norganize_at = \"4am\"\nprompt = \"  \"\n") == [
            "gateway.toml:3: heartbeat.prompt: is empty: remove it to use the default prompt",
            "gateway.toml:2: heartbeat.organize_at: \"4am\" is not a clock time: write HH:MM, like \"04:00\", or \"off\"",
        ])
    }

    @Test func unknownKeys() {
        #expect(problems("[heartbeat]\nevry = \"1h\"\nactive_hours = { start = \"08:00\", end = \"23:00\", zone = \"UTC\" }\n") == [
            "gateway.toml:3: heartbeat.active_hours.zone: unknown key (known keys here: end, start, timezone)",
            "gateway.toml:2: heartbeat.evry: unknown key (known keys here: ack_max_chars, active_hours, catch_up, every, notify, organize_at, prompt, urgent)",
        ])
    }

    @Test func templateParsesAndEveryCommentedKeyIsValid() throws {
        let template = TownTemplates.gatewayToml(name: "demo")
        #expect(try GatewayConfig.parse(template).heartbeat == HeartbeatSettings())
        // Uncommenting every heartbeat setting must give a valid file too.
        let uncommented = template.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let keys = ["every", "active_hours", "notify", "urgent", "prompt", "ack_max_chars", "catch_up", "organize_at"]
            return keys.contains(where: { line.hasPrefix("# \($0) = ") }) ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        let settings = try GatewayConfig.parse(uncommented).heartbeat
        #expect(settings.activeHours?.timeZone?.identifier == "Asia/Shanghai")
        #expect(settings.prompt?.contains("{{tasks}}") == true)
        #expect(settings.every == .minutes(30) && settings.catchUp == .one && settings.ackMaxChars == 300)
    }
}
