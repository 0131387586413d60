import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
@testable import GatewayHeartbeat
import GatewayTestSupport

/// The daily memory-organising step, on the terminal double as the Mayor.
@Suite(.serialized) struct OrganizeStepTests {
    func rig() async throws -> TestTown {
        let rig = try await TestTown.beating(rules: "", heartbeat: "# no tasks\n")
        try rig.configure("[heartbeat]\nevery = \"1s\"\norganize_at = \"00:00\"")
        return rig
    }

    func yesterday(_ rig: TestTown) throws -> String {
        let settings = try rig.config.heartbeat
        return ZonedTime.local(Date(), in: settings.timeZone()).day.adding(days: -1).description
    }

    @Test func theFirstBeatAfterOrganizeAtAsksTheMayorToDistilYesterdaysLog() async throws {
        let rig = try await rig()
        defer { rig.close() }
        let day = try yesterday(rig)
        let log = rig.town.mayorDirectory.appendingPathComponent("memory/\(day).md")
        try "# \(day)\n\n- 09:00 The release moved to Friday.\n".write(to: log, atomically: true, encoding: .utf8)
        // The scheduler reads the environment's clock: stepping it brings the next beats due at once.
        // Shifted, not manual: delivering to the Mayor waits on the same clock, for real.
        let clock = ShiftedWallClock()
        var environment = rig.environment
        environment.clock = clock
        let runner = BeatRunner(environment: environment, town: rig.town, startedAt: clock.now().addingTimeInterval(-60))
        _ = try await runner.step()
        let ledger = try rig.ledger()
        let turns = try await ledger.recentTurns(agent: "mayor", limit: 10)
        #expect(turns.map(\.source) == ["memory-organize:\(day)"])
        #expect(turns.first?.text.contains("Distil the daily log of \(day) into MEMORY.md") == true)
        #expect(turns.first?.state != .queued, "delivered to the Mayor")
        // The day is marked organised: a later beat, once the Mayor has answered, does not ask again.
        let organizing = try #require(turns.first)
        try await pollUntil("the organising turn answered") { try await ledger.turn(organizing.id)?.state.hasEnded == true ? true : nil }
        let decided = try await ledger.heartbeatHistory(limit: 100).count
        clock.advance(by: 1.1)
        _ = try await runner.step()
        #expect(try await ledger.heartbeatHistory(limit: 100).count == decided + 1, "a later beat was decided")
        #expect(try await ledger.recentTurns(agent: "mayor", limit: 10).count == 1)
    }

    @Test func aDayWithoutALogCostsNothing() async throws {
        let rig = try await rig()
        defer { rig.close() }
        _ = try await BeatRunner(environment: rig.environment, town: rig.town, startedAt: Date().addingTimeInterval(-60)).step()
        #expect(try await rig.ledger().recentTurns(agent: "mayor", limit: 10).isEmpty)
        #expect(try await rig.mayor().isRunning() == false)
    }

    @Test func oldDailyLogsMoveIntoMonthlyFoldersUnchanged() async throws {
        let rig = try await rig()
        defer { rig.close() }
        let memory = rig.town.mayorDirectory.appendingPathComponent("memory")
        let old = "# 2020-01-05\n\n- 10:00 归档前的记录，一个字节也不能变。\n"
        try old.write(to: memory.appendingPathComponent("2020-01-05.md"), atomically: true, encoding: .utf8)
        let day = try yesterday(rig)
        try "# \(day)\n\n- 09:00 recent\n".write(to: memory.appendingPathComponent("\(day).md"), atomically: true, encoding: .utf8)
        _ = try await BeatRunner(environment: rig.environment, town: rig.town, startedAt: Date().addingTimeInterval(-60)).step()
        let archived = memory.appendingPathComponent("2020-01/2020-01-05.md")
        #expect(try Data(contentsOf: archived) == Data(old.utf8))
        #expect(!FileSystem.exists(memory.appendingPathComponent("2020-01-05.md")))
        #expect(FileSystem.exists(memory.appendingPathComponent("\(day).md")), "recent logs stay")
        await #expect(try shell("git log -1 --format=%s -- memory/2020-01/2020-01-05.md", in: rig.town.mayorDirectory)
                == "Archive 1 daily log into monthly folders\n")
        // What the archive commit holds is the file as it was, byte for byte.
        let commit = try await shell("git log -1 --format=%H -- memory/2020-01/2020-01-05.md", in: rig.town.mayorDirectory)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        await #expect(try shell("git show \(commit):memory/2020-01/2020-01-05.md", in: rig.town.mayorDirectory) == old)
        let hits = try await MemoryStore(environment: rig.environment, town: rig.town, config: try rig.config).search("归档")
        #expect(hits.contains { $0.file == "memory/2020-01/2020-01-05.md" })
    }

    @Test func monthsCountBackAcrossTheYear() {
        #expect(MemoryArchive.previousMonth(of: "2026-01") == "2025-12")
        #expect(MemoryArchive.previousMonth(of: "2026-11") == "2026-10")
        #expect(MemoryArchive.isDailyLog("2026-11-26.md") && !MemoryArchive.isDailyLog("README.md"))
    }
}
