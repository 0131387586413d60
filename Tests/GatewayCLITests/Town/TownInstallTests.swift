import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

@Suite struct TownInstallTests {
    @Test func installMakesACompleteTown() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let town = fixture.town
        for file in ["gateway.toml", "HEARTBEAT.md", "formulas/README.md", "rigs.json", ".gitignore", "mayor/MEMORY.md", "mayor/memory/README.md"] {
            #expect(FileSystem.exists(town.root.appendingPathComponent(file)), "missing \(file)")
        }
        #expect(FileSystem.exists(town.ledgerFile))
        // The main branch tracks the town's files; the Mayor's hook is an orphan branch checked out at mayor/.
        let tracked = try await shell("git ls-files", in: town.root)
        #expect(tracked.contains("gateway.toml") && tracked.contains("HEARTBEAT.md") && tracked.contains("rigs.json"))
        #expect(!tracked.contains("MEMORY.md") && !tracked.contains(".gateway"))
        await #expect(try shell("git -C mayor rev-parse --abbrev-ref HEAD", in: town.root) == "hooks/mayor\n")
        await #expect(try shell("git rev-list --max-parents=0 hooks/mayor | wc -l", in: town.root).trimmingCharacters(in: .whitespaces) == "1\n")
        await #expect(try shell("git merge-base main hooks/mayor || echo unrelated", in: town.root) == "unrelated\n")
        await #expect(try shell("git status --porcelain", in: town.root) == "", "the hook and runtime folders must be ignored by main")
        let heartbeat = try String(contentsOf: town.heartbeatFile, encoding: .utf8)
        #expect(heartbeat.contains("每日资讯"))
    }

    @Test func theTemplateIsValidAndEqualsTheDefaults() throws {
        let config = try GatewayConfig.parse(TownTemplates.gatewayToml(name: "gt \"quoted\""))
        var expected = GatewayConfig()
        expected.town.name = "gt \"quoted\""
        #expect(config == expected)
    }

    @Test func installingTwiceChangesNothing() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        try "# mine\n".write(to: town.heartbeatFile, atomically: true, encoding: .utf8)
        let second = await gw(["install", town.root.path], in: directory.url)
        #expect(second.code == 0)
        #expect(second.stdout.contains("already a Gateway town; nothing changed"))
        #expect(try String(contentsOf: town.heartbeatFile, encoding: .utf8) == "# mine\n")
    }

    @Test func aFolderWithOtherFilesIsRefusedUnlessForced() async throws {
        let directory = TemporaryDirectory()
        let target = directory.path("busy")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try "notes".write(to: target.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let refused = await gw(["install", target.path], in: directory.url)
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("already holds files (notes.txt)"))
        #expect(refused.stderr.contains("--force"))
        #expect(!FileSystem.exists(target.appendingPathComponent("gateway.toml")))
        let forced = await gw(["install", target.path, "--force", "--git"], in: directory.url)
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(Town.isTown(target))
        #expect(try String(contentsOf: target.appendingPathComponent("notes.txt"), encoding: .utf8) == "notes")
    }

    @Test func installWorksWithNoGitIdentity() async throws {
        let directory = TemporaryDirectory()
        let home = directory.path("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // No global git config at all: Gateway must still be able to commit.
        let variables = ["HOME": home.path, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]
        let result = try await runProduct("gw", ["install", directory.path("gt").path], environment: variables)
        #expect(result.status == 0, "\(result.stderr)")
        await #expect(try shell("git log --format=%an main", in: directory.path("gt")) == "Gateway\n")
    }
}
