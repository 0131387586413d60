import Foundation
import Testing
@testable import GatewayCLI
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

/// `gw heartbeat dry-run` end to end through the command tree, on a town in a temporary folder.
@Suite struct HeartbeatDryRunTests {
    /// A town as the heartbeat reads it: gateway.toml, HEARTBEAT.md and the runtime folder.
    private func town(toml: String, heartbeat: String?) async throws -> TestTown {
        try await TestTown(config: toml, heartbeat: heartbeat, installed: false)
    }

    /// Runs `gw ARGUMENTS --town TOWN`.
    private func run(_ arguments: [String], in town: TestTown) async -> (Int32, CapturedOutput) {
        await execute(arguments + ["--town", town.town.root.path], in: town.directory.url)
    }

    private func execute(_ arguments: [String], in directory: URL) async -> (Int32, CapturedOutput) {
        // Real processes: `gw install` runs git.
        let (environment, output) = GatewayEnvironment.test(
            workingDirectory: directory, clock: ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000)), processes: .live)
        let code = await GatewayMain.execute(arguments: arguments, environment: environment)
        return (code, output)
    }

    private let shanghai = """
        [heartbeat]
        active_hours = { start = "08:00", end = "23:00", timezone = "Asia/Shanghai" }
        notify = ["phone"]
        """

    @Test func jsonListsDueTasksAndTheExactPrompt() async throws {
        let folder = try await town(toml: shanghai, heartbeat: """
            ## 每日资讯
            > schedule: daily 09:00 · formula: daily-news topic=AI
            - 使用 WebSearch 搜索今天科技新闻

            ## Weekly review
            > schedule: weekly mon 10:00
            - review the week
            """)
        let (code, output) = await run(["heartbeat", "dry-run", "--at", "2026-11-26T09:05", "--json"], in: folder)
        #expect(code == 0, "\(output.stderr)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let preview = try decoder.decode(HeartbeatPreview.self, from: Data(output.stdout.utf8))
        #expect(preview.at == ISO8601DateFormatter().date(from: "2026-11-26T01:05:00Z"))
        #expect(preview.timeZone == "Asia/Shanghai")
        #expect(preview.dueTasks == ["每日资讯"])
        #expect(preview.tasks.map(\.due) == [true, false])
        #expect(preview.tasks[0].notify == ["phone"])
        #expect(preview.tasks[0].formula == "daily-news topic=AI")
        #expect(preview.skipReason == nil)
        let prompt = try #require(preview.prompt)
        #expect(prompt.hasPrefix("Heartbeat: 2026-11-26 09:05, Thursday (Asia/Shanghai, UTC+08:00)."))
        #expect(prompt.contains("## 每日资讯\n(schedule daily 09:00 · formula daily-news topic=AI)\n- 使用 WebSearch 搜索今天科技新闻"))
        #expect(!prompt.contains("Weekly review"))
    }

    @Test func textShowsTheSkipReasonAndNoPrompt() async throws {
        let folder = try await town(toml: shanghai, heartbeat: "## Inbox\n- look\n")
        let (code, output) = await run(["heartbeat", "dry-run", "--at", "2026-11-26T23:30:00+08:00"], in: folder)
        #expect(code == 0)
        #expect(output.stdout.contains("Heartbeat dry run at 2026-11-26 23:30 (Asia/Shanghai); nothing is sent."))
        #expect(output.stdout.contains("Skipped, no agent call: outside the active hours; the window opens at 2026-11-27T08:00:00+08:00"))
        #expect(!output.stdout.contains("--- prompt"))
    }

    @Test func anInstalledTownCostsNothing() async throws {
        let folder = TemporaryDirectory("gw-dry-run")
        let townURL = folder.url.appendingPathComponent("town")
        let (installed, installOutput) = await execute(["install", townURL.path], in: folder.url)
        #expect(installed == 0, "\(installOutput.stderr)")
        // Found from the working directory, as a user inside the town would run it.
        let (code, output) = await execute(["heartbeat", "dry-run", "--json"], in: townURL)
        #expect(code == 0, "\(output.stderr)")
        let preview = try JSONDecoder().decode(HeartbeatPreviewCodes.self, from: Data(output.stdout.utf8))
        #expect(preview.skipCode == "empty-heartbeat-file")
        #expect(preview.prompt == nil)
    }

    @Test func badInputExitsWithAnInstruction() async throws {
        let folder = try await town(toml: shanghai, heartbeat: "## Inbox\n> schedule: daily 9am\n- look\n")
        let (badTime, timeOutput) = await run(["heartbeat", "dry-run", "--at", "tomorrow"], in: folder)
        #expect(badTime == 2)
        #expect(timeOutput.stderr.contains("--at tomorrow is not a time: write ISO 8601 like 2026-11-26T09:00:00+08:00"))
        let (badFile, fileOutput) = await run(["heartbeat", "dry-run"], in: folder)
        #expect(badFile == 78)
        #expect(fileOutput.stderr.contains("HEARTBEAT.md:2: task \"Inbox\": schedule \"daily 9am\" is not a schedule"))
        let broken = try await town(toml: "[heartbeat]\nevery = \"often\"\n", heartbeat: nil)
        let (badConfig, configOutput) = await run(["heartbeat", "dry-run"], in: broken)
        #expect(badConfig == 78)
        #expect(configOutput.stderr.contains("gateway.toml:2: heartbeat.every: \"often\" is not a duration"))
    }
}

/// The two fields of the preview a skip test reads.
private struct HeartbeatPreviewCodes: Decodable {
    var skipCode: String?
    var prompt: String?
}
