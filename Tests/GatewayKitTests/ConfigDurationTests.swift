import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct ConfigValueTests {
    @Test(arguments: [("30s", 30_000), ("30m", 1_800_000), ("2h", 7_200_000), ("1d", 86_400_000), ("1h30m", 5_400_000), ("500ms", 500)])
    func parsesDurations(text: String, milliseconds: Int64) {
        #expect(ConfigDuration(parsing: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["", "30", "m", "30x", "-5m", "1.5h", "h30", "30 minutes"])
    func rejectsBadDurations(text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    /// Each part fits in 64 bits but their sum does not: refused, never an overflow trap (this crashed
    /// HEARTBEAT.md's `> schedule: every …` and every duration in gateway.toml).
    @Test(arguments: ["100000000000d100000000000d", "106751991167d1d", "9223372036854775807ms1ms"])
    func rejectsDurationsWhoseSumOverflows(text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    /// Past 100 years a duration is a typo, and would overflow the nanosecond sleeps it sets.
    @Test func durationsLongerThanACenturyAreRefusedSayingSo() {
        #expect(ConfigDuration(parsing: "36500d") == ConfigDuration.longest)
        #expect(ConfigDuration(parsing: "36500d1ms") == nil)
        #expect(ConfigDuration(parsing: "106751991167d") == nil)
        do {
            _ = try GatewayConfig.parse("[heartbeat]\nevery = \"106751991167d\"\n")
            Issue.record("a duration of 292 million years was accepted")
        } catch {
            let problems = error.problems.map(\.description)
            #expect(problems == ["gateway.toml:2: heartbeat.every: \"106751991167d\" is longer than 100 years: write a shorter duration, like \"30d\""])
        }
    }

    @Test func aSumOverflowInHeartbeatMdIsAnErrorWithItsLine() {
        #expect(throws: HeartbeatFileError.self) {
            try HeartbeatDocument.parse("## Backup\n> schedule: every 100000000000d100000000000d\n- check\n")
        }
    }

    @Test func durationsPrintBackShortest() {
        #expect(ConfigDuration.minutes(90).description == "1h30m")
        #expect(ConfigDuration(milliseconds: 1500).description == "1500ms")
        #expect(ConfigDuration.minutes(30).description == "30m")
    }

    @Test(arguments: [("08:00", 480), ("00:00", 0), ("24:00", 1440), ("23:59", 1439)])
    func parsesClockTimes(text: String, minutes: Int) {
        #expect(ClockTime(parsing: text)?.minutes == minutes)
    }

    @Test(arguments: ["24:01", "8:00", "25:00", "12:60", "noon", "12-00", "", "0800", "+1:00"])
    func rejectsBadClockTimes(text: String) {
        #expect(ClockTime(parsing: text) == nil)
    }
}
