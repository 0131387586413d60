import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayWork
import GatewayTestSupport

@Suite struct RigCrewTests {
    @Test func rigFromALocalPathWithCrew() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        let added = await gw(["rig", "add", "app", project.path], in: town.root)
        #expect(added.code == 0, "\(added.stderr)")
        #expect(FileSystem.exists(town.rigRepository("app").appendingPathComponent("HEAD")))
        await #expect(try shell("git -C app/.repo.git rev-parse --is-bare-repository", in: town.root) == "true\n")
        // The rig is recorded and committed in the town repo.
        await #expect(try shell("git log -1 --format=%s", in: town.root) == "Add rig app\n")

        let crew = await gw(["crew", "add", "ann", "--rig", "app"], in: town.root)
        #expect(crew.code == 0, "\(crew.stderr)")
        let worktree = town.crewDirectory("app", "ann")
        await #expect(try shell("git rev-parse --abbrev-ref HEAD", in: worktree) == "crew/ann\n")
        #expect(FileSystem.exists(worktree.appendingPathComponent("README.md")))

        let list = await gw(["crew", "list", "--json"], in: town.root)
        let members = try JSONDecoder().decode([CrewInfo].self, from: Data(list.stdout.utf8))
        #expect(members == [CrewInfo(name: "ann", rig: "app", branch: "crew/ann", path: worktree.path)])
        await #expect(try shell("git status --porcelain", in: town.root) == "", "rig clones and worktrees stay out of main")
    }

    @Test func relativeSourcePathsResolveAgainstTheWorkingDirectory() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        _ = try await makeProject(in: directory.url, name: "lib")
        let added = await gw(["rig", "add", "lib", "lib", "--town", town.root.path], in: directory.url)
        #expect(added.code == 0, "\(added.stderr)")
        let rigs = try RigRegistry(town: town).load()
        #expect(rigs.map(\.source) == [directory.path("lib").path])
    }

    @Test func aBadSourceLeavesNothingBehind() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let missing = await gw(["rig", "add", "app", directory.path("nowhere").path], in: town.root)
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("does not exist"))
        let badURL = await gw(["rig", "add", "app", "http://127.0.0.1:9/none.git"], in: town.root)
        #expect(badURL.code == 1)
        #expect(badURL.stderr.contains("cloning http://127.0.0.1:9/none.git failed"))
        #expect(!FileSystem.exists(town.rigDirectory("app")))
        #expect(try RigRegistry(town: town).load().isEmpty)
    }

    @Test func nameClashesAndBadNamesAreRefused() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        #expect(await gw(["rig", "add", "app", project.path], in: town.root).code == 0)
        let clash = await gw(["rig", "add", "app", project.path], in: town.root)
        #expect(clash.code == 1)
        #expect(clash.stderr.contains("a rig named app already exists"))
        let reserved = await gw(["rig", "add", "mayor", project.path], in: town.root)
        #expect(reserved.code == 2)
        #expect(reserved.stderr.contains("reserved"))
        let weird = await gw(["rig", "add", "../escape", project.path], in: town.root)
        #expect(weird.code == 2)
        #expect(await gw(["crew", "add", "ann", "--rig", "app"], in: town.root).code == 0)
        let crewClash = await gw(["crew", "add", "ann", "--rig", "app"], in: town.root)
        #expect(crewClash.code == 1)
        #expect(crewClash.stderr.contains("crew ann already exists"))
        let noRig = await gw(["crew", "add", "bob", "--rig", "nope"], in: town.root)
        #expect(noRig.stderr.contains("no rig named nope: known rigs: app"))
    }

    @Test func removingACrewWithUncommittedWorkIsRefused() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        #expect(await gw(["rig", "add", "app", project.path], in: town.root).code == 0)
        #expect(await gw(["crew", "add", "ann", "--rig", "app"], in: town.root).code == 0)
        let worktree = town.crewDirectory("app", "ann")
        try "draft".write(to: worktree.appendingPathComponent("draft.txt"), atomically: true, encoding: .utf8)

        let refused = await gw(["crew", "remove", "ann", "--rig", "app"], in: town.root)
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("1 uncommitted change"))
        #expect(refused.stderr.contains("--force"))
        #expect(FileSystem.exists(worktree.appendingPathComponent("draft.txt")))

        let rigRefused = await gw(["rig", "remove", "app"], in: town.root)
        #expect(rigRefused.code == 1)
        #expect(FileSystem.exists(town.rigDirectory("app")))

        // Committed but never pushed is still work that exists only here.
        try await shell("git add draft.txt && git -c user.name=t -c user.email=t@t commit -q -m draft", in: worktree)
        let unpushed = await gw(["crew", "remove", "ann", "--rig", "app"], in: town.root)
        #expect(unpushed.code == 1)
        #expect(unpushed.stderr.contains("1 commit on crew/ann not pushed to origin"))

        let forced = await gw(["crew", "remove", "ann", "--rig", "app", "--force"], in: town.root)
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(!FileSystem.exists(worktree))
        await #expect(try shell("git -C app/.repo.git branch --list crew/ann", in: town.root).contains("crew/ann"), "the branch is kept")
    }

    @Test func removingACleanRigWorks() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        #expect(await gw(["rig", "add", "app", project.path], in: town.root).code == 0)
        #expect(await gw(["crew", "add", "ann", "--rig", "app"], in: town.root).code == 0)
        let removed = await gw(["rig", "remove", "app"], in: town.root)
        #expect(removed.code == 0, "\(removed.stderr)")
        #expect(!FileSystem.exists(town.rigDirectory("app")))
        #expect(try RigRegistry(town: town).load().isEmpty)
        let missing = await gw(["rig", "remove", "app"], in: town.root)
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("no rig named app"))
    }

    @Test func concurrentRigAddsAreAllRecorded() async throws {
        let fixture = try await TestTown()
        defer { fixture.close() }
        let (directory, town) = (fixture.directory, fixture.town)
        let project = try await makeProject(in: directory.url)
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for index in 0..<5 {
                group.addTask { try await runProduct("gw", ["rig", "add", "r\(index)", project.path], in: town.root) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.succeeded }, "\(results.map { $0.stderr })")
        #expect(try RigRegistry(town: town).load().map(\.name) == ["r0", "r1", "r2", "r3", "r4"])
        await #expect(try shell("git log --format=%s | grep -c 'Add rig'", in: town.root) == "5\n")
    }
}
