import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

@Suite struct MemoryPrimerTests {
    func makeMemory(days: Int, linesPerDay: Int) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("gw-prime")
        try FileSystem.writeAtomically("# MEMORY.md\n\n- The owner lives in Shanghai.\n- 用户喜欢简短的回答。\n", to: directory.path("MEMORY.md"))
        for day in 1...days {
            let name = String(format: "2026-03-%02d", day)
            let lines = (1...linesPerDay).map { "- 09:\(String(format: "%02d", $0 % 60)) day \(day) entry \($0): 科技新闻 summary" }
            try FileSystem.writeAtomically("# \(name)\n\n" + lines.joined(separator: "\n") + "\n", to: directory.path("memory/\(name).md"))
        }
        try FileSystem.writeAtomically("Summarise the rig's open pull requests.\n", to: directory.path("work/review.md"))
        return directory
    }

    @Test func everythingFitsWhenSmall() throws {
        let directory = try makeMemory(days: 2, linesPerDay: 3)
        let result = try MemoryPrimer(directory: directory.url, budget: 10_000, days: 7, now: "2026-03-02 09:00").build()
        #expect(result.parts.allSatisfy { $0.cut == nil })
        #expect(result.text.contains("The owner lives in Shanghai."))
        #expect(result.text.contains("Summarise the rig's open pull requests."))
        let newer = try #require(result.text.range(of: "### memory/2026-03-02.md"))
        let older = try #require(result.text.range(of: "### memory/2026-03-01.md"))
        #expect(newer.lowerBound < older.lowerBound, "newest first")
    }

    @Test func staysWithinTheBudgetNewestFirstAndSaysWhatWasCut() throws {
        let directory = try makeMemory(days: 9, linesPerDay: 40)
        let result = try MemoryPrimer(directory: directory.url, budget: 4_000, days: 7, now: "2026-03-09 09:00").build()
        #expect(result.length <= 4_000)
        #expect(result.length > 3_000, "the budget is used, not wasted")
        #expect(result.text.contains("### memory/2026-03-09.md"))
        #expect(!result.text.contains("2026-03-02"), "only the configured number of days is considered")
        // The newest day is trimmed from its start: its last entry survives, its first does not.
        #expect(result.text.contains("day 9 entry 40:"))
        let cut = result.parts.filter { $0.cut != nil }
        #expect(!cut.isEmpty)
        #expect(cut.contains { $0.source == "memory/2026-03-03.md" && $0.included == 0 })
        #expect(result.text.contains("Summarise the rig's open pull requests."), "hung work keeps its share")
        // Facts, not commands: the text describes the files.
        #expect(!result.text.contains("You must"))
    }

    @Test func theBudgetNeverExceedsTheHookLimitAndCountsUTF16() throws {
        let directory = TemporaryDirectory("gw-prime")
        try FileSystem.writeAtomically(String(repeating: "记忆😀\n", count: 5_000), to: directory.path("MEMORY.md"))
        let result = try MemoryPrimer(directory: directory.url, budget: 50_000, days: 7, now: "now").build()
        #expect(result.budget == 10_000)
        #expect(result.length <= 10_000)
        #expect(result.parts.first?.cut != nil)
    }

    @Test func dryRunThroughTheCLIShowsTheTextAndTheCuts() async throws {
        let fixture = try await TestTown()
        for day in 1...5 {
            let text = (1...60).map { "- 10:00 entry \($0) of day \(day)" }.joined(separator: "\n")
            try FileSystem.writeAtomically("# 2026-03-0\(day)\n\n\(text)\n",
                                           to: fixture.town.mayorDirectory.appendingPathComponent("memory/2026-03-0\(day).md"))
        }
        try FileSystem.writeAtomically(
            "[memory]\nprime_budget = 2000\n", to: fixture.town.configFile)
        let result = try await runProduct("gw", ["memory", "prime", "--dry-run"], in: fixture.town.root)
        #expect(result.status == 0)
        #expect(result.stdout.contains("would inject"))
        #expect(result.stdout.contains("of 2000 characters"))
        #expect(result.stdout.contains("memory/2026-03-05.md:"))
        #expect(result.stdout.contains("CUT"))
        #expect(result.stdout.contains("`flock \(fixture.town.root.path)/.gateway/hook-state/mayor.lock git …`"))
        let plain = try await runProduct("gw", ["memory", "prime"], in: fixture.town.root)
        #expect(plain.stdout.utf16.count <= 2000)
        #expect(!plain.stdout.contains("would inject"))
    }
}
