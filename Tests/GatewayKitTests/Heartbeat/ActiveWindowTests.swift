import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

@Suite struct LocalTimeTests {
    @Test func civilDaysRoundTrip() {
        #expect(LocalDay(year: 1970, month: 1, day: 1).number == 0)
        #expect(LocalDay(year: 2026, month: 11, day: 26).description == "2026-11-26")
        #expect(LocalDay(year: 2024, month: 2, day: 29).adding(days: 1).description == "2024-03-01")
        #expect(LocalDay(year: 1969, month: 12, day: 31).number == -1)
        #expect(LocalDay(year: 2026, month: 11, day: 26).weekday == .thursday)
        #expect(LocalDay(year: 2026, month: 3, day: 29).weekday == .sunday)
        // Years 0053 to 4160, every 997 days: printing and parsing give the same day back.
        for number in stride(from: -700_000, through: 800_000, by: 997) {
            #expect(LocalDay(parsing: LocalDay(number: number).description)?.number == number)
        }
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "26-11-26", "2026/11/26", "", "2026-11-2x"])
    func rejectsBadDates(text: String) {
        #expect(LocalDay(parsing: text) == nil)
    }

    @Test func weekdaysInEnglishAndChinese() {
        #expect(Weekday(parsing: "mon") == .monday)
        #expect(Weekday(parsing: "Monday") == .monday)
        #expect(Weekday(parsing: "周一") == .monday)
        #expect(Weekday(parsing: "星期天") == .sunday)
        #expect(Weekday(parsing: "周日") == .sunday)
        #expect(Weekday(parsing: "mo") == nil)
    }

    @Test func localReadingInShanghaiCrossesTheUTCDate() {
        let local = ZonedTime.local(instant("2026-11-25T17:30:00Z"), in: zone("Asia/Shanghai"))
        #expect(local.text == "2026-11-26 01:30")
        #expect(local.offsetText == "UTC+08:00")
        #expect(ZonedTime.local(instant("2026-11-26T03:00:00Z"), in: zone("America/New_York")).offsetText == "UTC-05:00")
    }

    @Test func wallTimesInTheSpringGapMoveToTheJump() {
        // Berlin jumps 02:00 → 03:00 CEST on 2026-03-29; New York on 2026-03-08.
        let berlin = ZonedTime.instant(LocalDay(year: 2026, month: 3, day: 29), minute: 150, in: zone("Europe/Berlin"))
        #expect(berlin == instant("2026-03-29T03:00:00+02:00"))
        let newYork = ZonedTime.instant(LocalDay(year: 2026, month: 3, day: 8), minute: 150, in: zone("America/New_York"))
        #expect(newYork == instant("2026-03-08T03:00:00-04:00"))
    }

    @Test func repeatedWallTimesInAutumnTakeTheFirst() {
        // Berlin repeats 02:00-03:00 on 2026-10-25; New York repeats 01:00-02:00 on 2026-11-01.
        let berlin = ZonedTime.instant(LocalDay(year: 2026, month: 10, day: 25), minute: 150, in: zone("Europe/Berlin"))
        #expect(berlin == instant("2026-10-25T02:30:00+02:00"))
        let newYork = ZonedTime.instant(LocalDay(year: 2026, month: 11, day: 1), minute: 90, in: zone("America/New_York"))
        #expect(newYork == instant("2026-11-01T01:30:00-04:00"))
    }

    @Test func ordinaryWallTimes() {
        #expect(ZonedTime.instant(LocalDay(year: 2026, month: 11, day: 26), minute: 540, in: zone("Asia/Shanghai")) == instant("2026-11-26T01:00:00Z"))
        #expect(ZonedTime.instant(LocalDay(year: 2026, month: 11, day: 26), minute: 1440, in: zone("UTC")) == instant("2026-11-27T00:00:00Z"))
    }
}

@Suite struct ActiveWindowTests {
    private func window(_ start: String, _ end: String, _ zoneName: String) -> ActiveWindow {
        ActiveWindow(start: ClockTime(parsing: start)!, end: ClockTime(parsing: end)!, zone: zone(zoneName))
    }

    @Test func dayWindowInShanghai() {
        let hours = window("08:00", "23:00", "Asia/Shanghai")
        #expect(!hours.contains(instant("2026-11-26T07:59:59+08:00")))
        #expect(hours.contains(instant("2026-11-26T08:00:00+08:00")))
        #expect(hours.contains(instant("2026-11-26T22:59:59+08:00")))
        #expect(!hours.contains(instant("2026-11-26T23:00:00+08:00")))
        #expect(hours.nextOpening(after: instant("2026-11-26T23:00:00+08:00")) == instant("2026-11-27T08:00:00+08:00"))
        #expect(hours.nextOpening(after: instant("2026-11-26T03:00:00+08:00")) == instant("2026-11-26T08:00:00+08:00"))
        #expect(hours.nextOpening(after: instant("2026-11-26T12:00:00+08:00")) == instant("2026-11-26T12:00:00+08:00"))
    }

    @Test func overnightWindow() {
        let hours = window("22:00", "06:00", "Europe/Berlin")
        #expect(hours.contains(instant("2026-11-26T22:30:00+01:00")))
        #expect(hours.contains(instant("2026-11-27T05:59:00+01:00")))
        #expect(!hours.contains(instant("2026-11-27T06:00:00+01:00")))
        #expect(!hours.contains(instant("2026-11-26T21:59:00+01:00")))
        #expect(hours.nextOpening(after: instant("2026-11-27T06:00:00+01:00")) == instant("2026-11-27T22:00:00+01:00"))
    }

    @Test func endOfDayAndAllDay() {
        let evening = window("18:00", "24:00", "UTC")
        #expect(evening.contains(instant("2026-11-26T23:59:59Z")))
        #expect(!evening.contains(instant("2026-11-27T00:00:00Z")))
        #expect(evening.nextOpening(after: instant("2026-11-27T00:00:00Z")) == instant("2026-11-27T18:00:00Z"))
        let allDay = window("00:00", "24:00", "UTC")
        #expect(allDay.contains(instant("2026-11-27T00:00:00Z")))
        #expect(allDay.contains(instant("2026-11-27T23:59:59Z")))
    }

    @Test func berlinSpringForward() {
        // 02:30 does not exist on 2026-03-29: the window opens when the clocks jump to 03:00.
        let early = window("02:30", "05:00", "Europe/Berlin")
        #expect(early.nextOpening(after: instant("2026-03-29T01:00:00+01:00")) == instant("2026-03-29T03:00:00+02:00"))
        #expect(early.contains(instant("2026-03-29T03:00:00+02:00")))
        let office = window("08:00", "20:00", "Europe/Berlin")
        #expect(office.nextOpening(after: instant("2026-03-28T21:00:00+01:00")) == instant("2026-03-29T08:00:00+02:00"))
        #expect(!office.contains(instant("2026-03-29T07:30:00+02:00")))
    }

    @Test func berlinFallBack() {
        let office = window("08:00", "20:00", "Europe/Berlin")
        #expect(office.nextOpening(after: instant("2026-10-24T21:00:00+02:00")) == instant("2026-10-25T08:00:00+01:00"))
        #expect(office.contains(instant("2026-10-25T19:59:00+01:00")))
        #expect(!office.contains(instant("2026-10-25T20:00:00+01:00")))
    }

    @Test func newYorkSpringAndFall() {
        let office = window("09:00", "17:00", "America/New_York")
        #expect(office.nextOpening(after: instant("2026-03-07T18:00:00-05:00")) == instant("2026-03-08T09:00:00-04:00"))
        #expect(office.nextOpening(after: instant("2026-10-31T18:00:00-04:00")) == instant("2026-11-01T09:00:00-05:00"))
        // The repeated hour: the window opens at the first 01:30.
        let night = window("01:30", "03:00", "America/New_York")
        #expect(night.nextOpening(after: instant("2026-11-01T00:00:00-04:00")) == instant("2026-11-01T01:30:00-04:00"))
    }
}
