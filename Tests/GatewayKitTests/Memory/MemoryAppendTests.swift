import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayMemory
import GatewayTestSupport

@Suite struct MemoryAppendTests {
    /// 2026-03-14 20:30 UTC: already 2026-03-15 04:30 in Shanghai.
    static let evening = Date(timeIntervalSince1970: 1_773_520_200)

    func store(_ fixture: TestTown, config: String = "") throws -> MemoryStore {
        MemoryStore(environment: fixture.environment, town: fixture.town, config: try GatewayConfig.parse(config))
    }

    @Test func appendsEntriesUnderSectionsAndCommitsEach() async throws {
        let fixture = try await TestTown(clock: ManualWallClock(Self.evening))
        let memory = try store(fixture, config: "[heartbeat]\nactive_hours = { start = \"08:00\", end = \"23:00\", timezone = \"Asia/Shanghai\" }\n")
        let first = try await memory.append("Read the tech news: 三条科技新闻", section: "News")
        #expect(first.file == "memory/2026-03-15.md", "the day counts in the heartbeat's zone")
        #expect(first.appended)
        _ = try await memory.append("The owner is travelling until Friday")
        _ = try await memory.append("Second item\nwith a second line", section: "News")
        let text = try memory.show(day: "2026-03-15").text
        #expect(text == """
            # 2026-03-15

            - 04:30 The owner is travelling until Friday

            ## News

            - 04:30 Read the tech news: 三条科技新闻
            - 04:30 Second item
              with a second line

            """)
        #expect(try await fixture.commitCount("mayor") == 4)
        #expect(try await fixture.git("status --porcelain", in: fixture.town.mayorDirectory).isEmpty)
    }

    @Test func aRetriedAppendNeverMakesASecondCopy() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        let first = try await memory.append("Decided: deploys only on weekdays", day: "2026-03-14", section: "Decisions")
        let retry = try await memory.append("Decided: deploys only on weekdays  \n", day: "2026-03-14", section: "Decisions")
        #expect(first.appended && first.commit != nil)
        #expect(!retry.appended && retry.commit == nil)
        let text = try memory.show(day: "2026-03-14").text
        #expect(text.components(separatedBy: "deploys only on weekdays").count == 2)
    }

    @Test func failurePathsAreClearErrors() async throws {
        let fixture = try await TestTown()
        let memory = try store(fixture)
        for bad in ["2026-02-30", "14/03/2026", "2026-3-14", "tomorrow"] {
            await #expect { try await memory.append("x", day: bad) } throws: { error in
                (error as? GatewayError)?.message.contains("is not a date: write YYYY-MM-DD") == true
            }
        }
        await #expect { try await memory.append("  \n ") } throws: { error in
            (error as? GatewayError)?.exit == .usage
        }
        #expect { try memory.show(day: "2020-01-01") } throws: { error in
            (error as? GatewayError)?.message.contains("there is no memory/2020-01-01.md") == true
        }
        #expect(try memory.show(day: nil).text.contains("# MEMORY.md"))
    }

    @Test func fiftyProcessesAppendingAtOnceLoseNothing() async throws {
        let fixture = try await TestTown()
        let gw = try builtProduct("gw").path
        // Numbers past 59, so no entry's number can match the HH:MM time each entry is stamped with.
        let commands = (1...50).map { index in
            (arguments: [gw, "memory", "append", "entry number \(index) 第\(index + 100)条", "--date", "2026-03-14"], input: String?.none)
        }
        let failures = try await failuresRunningAtOnce(commands, in: fixture.town.root, outputs: fixture.directory.path("out"))
        #expect(failures.isEmpty, "\(failures)")
        let text = try String(contentsOf: fixture.town.mayorDirectory.appendingPathComponent("memory/2026-03-14.md"), encoding: .utf8)
        for index in 1...50 { #expect(text.contains("entry number \(index) 第\(index + 100)条\n")) }
        #expect(text.components(separatedBy: "\n- ").count - 1 == 50)
        #expect(try await fixture.commitCount("mayor") == 51)
        try await fixture.git("fsck --strict --no-progress")
        // Every append also indexed its file: the last entries are searchable at once.
        let hits = try await store(fixture).search("第150条")
        #expect(hits.count == 1 && hits[0].snippet.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "").contains("entry number 50 第150条"), "\(hits)")
    }

    @Test func appendFromStdinThroughTheCLI() async throws {
        let fixture = try await TestTown()
        let appended = try await runProduct("gw", ["memory", "append", "-", "--date", "2026-03-14", "--section", "Notes"],
                                      in: fixture.town.root, input: "from stdin\n")
        #expect(appended.status == 0)
        #expect(appended.stdout.contains("Appended to memory/2026-03-14.md"))
        let shown = try await runProduct("gw", ["memory", "show", "2026-03-14"], in: fixture.town.root)
        #expect(shown.stdout.contains("from stdin"))
        let search = try await runProduct("gw", ["memory", "search", "stdin", "--json"], in: fixture.town.root)
        let hits = try JSONDecoder().decode([MemoryHit].self, from: Data(search.stdout.utf8))
        #expect(hits.map(\.file) == ["memory/2026-03-14.md"])
        #expect(hits.first?.line == 5)
        let reindex = try await runProduct("gw", ["memory", "reindex"], in: fixture.town.root)
        #expect(reindex.stdout.contains("Indexed 2 files"))
        let noWords = try await runProduct("gw", ["memory", "search", "?!"], in: fixture.town.root)
        #expect(noWords.status == 2)
        let empty = try await runProduct("gw", ["memory", "append", ""], in: fixture.town.root)
        #expect(empty.status == 2)
        let badDate = try await runProduct("gw", ["memory", "append", "x", "--date", "2026-13-01"], in: fixture.town.root)
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("YYYY-MM-DD"))
    }
}
