import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayWork
import GatewayTestSupport

/// `gw install --force` over a folder the user works in: Gateway commits only its own files, and over a
/// town whose `.gateway/` was deleted it keeps the rigs the town recorded.
@Suite struct TownReinstallTests {
    @Test func installCommitsOnlyGatewaysOwnFilesAndLeavesTheUsersStagedWorkStaged() async throws {
        let directory = TemporaryDirectory("gw-reinstall")
        let target = directory.path("work")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try await shell("""
            git init -q -b main . && git config user.email t@example.com && git config user.name Test \
            && echo draft > draft.txt && git add draft.txt
            """, in: target)
        let result = await gw(["install", target.path, "--force"], in: directory.url)
        #expect(result.code == 0, "\(result.stderr)")
        let committed = try await shell("git show --name-only --format= HEAD", in: target)
        #expect(!committed.contains("draft.txt"), "the user's staged file was committed: \(committed)")
        #expect(committed.contains("gateway.toml") && committed.contains("rigs.json"))
        #expect(try await shell("git diff --cached --name-only", in: target) == "draft.txt\n")
    }

    @Test func reinstallingATownWhoseRuntimeFolderWasDeletedKeepsItsRigs() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let rig = RigRecord(name: "app", source: "https://example.com/app.git", defaultBranch: "main", added: Date(timeIntervalSince1970: 1_800_000_000))
        try RigRegistry(town: town).save([rig])
        try await shell("git add rigs.json && git commit -q -m 'Add rig app'", in: town.root)
        let before = try String(contentsOf: town.rigsFile, encoding: .utf8)
        try FileManager.default.removeItem(at: town.runtimeDirectory)

        let result = await gw(["install", town.root.path, "--force"], in: directory.url)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(try String(contentsOf: town.rigsFile, encoding: .utf8) == before)
        #expect(try RigRegistry(town: town).load() == [rig])
        #expect(try await shell("git status --porcelain rigs.json", in: town.root) == "")
    }
}
