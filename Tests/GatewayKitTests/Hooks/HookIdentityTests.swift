import Foundation
import Testing
import GatewayTestSupport
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHooks

/// A writer may run where git has no identity at all (an agent's MCP server with a bare HOME): git is
/// not asked for one before each commit, but a commit that fails for want of one gets Gateway's.
@Suite struct HookIdentityTests {
    @Test func aPutIntoARepoWithNoIdentityAnywhereCommitsAsGateway() async throws {
        let fixture = try await TestTown()
        // No identity in the town repo, none in HOME, none system-wide: plain git would refuse to commit.
        _ = try? await fixture.git("config --unset user.name")
        _ = try? await fixture.git("config --unset user.email")
        let home = fixture.directory.path("bare-home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let bare = ["HOME": home.path, "XDG_CONFIG_HOME": home.path, "GIT_CONFIG_NOSYSTEM": "1"]
        let refused = try? await shell("echo x > refused.md && git add refused.md && HOME='\(home.path)' XDG_CONFIG_HOME='\(home.path)' GIT_CONFIG_NOSYSTEM=1 git commit -qm refused",
                                       in: fixture.town.mayorDirectory)
        #expect(refused == nil, "plain git must have no identity here for this test to mean anything")
        let input = fixture.directory.path("task.md")
        try "do the thing\n".write(to: input, atomically: true, encoding: .utf8)

        let put = try await runProduct("gw", ["hook", "put", "mayor", input.path, "--town", fixture.town.root.path], in: fixture.town.root, environment: bare)
        #expect(put.succeeded, "\(put.stderr)")
        #expect(try await fixture.git("log -1 --format='%an <%ae>%n%s' hooks/mayor") == "Gateway <gateway@localhost>\nHang work/task.md on the hook of mayor\n")
        #expect(try await fixture.git("config user.email").trimmingCharacters(in: .whitespacesAndNewlines) == "gateway@localhost")
        #expect(try await fixture.git("show hooks/mayor:refused.md") == "x\n", "the agent's staged file went along")
        // With the identity in place, the next write commits at once.
        let again = try await runProduct("gw", ["hook", "put", "mayor", input.path, "--name", "again.md", "--town", fixture.town.root.path], in: fixture.town.root, environment: bare)
        #expect(again.succeeded, "\(again.stderr)")
        #expect(try await fixture.commitCount("mayor") == 3)
    }

    @Test func gitsWordsForAMissingIdentityAreRecognised() {
        #expect(HookCommitter.lacksIdentity("fatal: no email was given and auto-detection is disabled\n"))
        #expect(HookCommitter.lacksIdentity("*** Please tell me who you are.\n\nRun\n"))
        #expect(!HookCommitter.lacksIdentity("fatal: not a valid object name"))
    }

    @Test func worktreeStateReadsHeadAndPathsLikePorcelainV1() {
        let state = HookWorktreeState.parse("""
            # branch.oid 0123456789abcdef0123456789abcdef01234567
            # branch.head hooks/mayor
            1 .M N... 100644 100644 100644 aaaa bbbb MEMORY.md
            1 A. N... 000000 100644 100644 0000 cccc work/a file.md
            2 R. N... 100644 100644 100644 dddd dddd R100 new.md\told.md
            ? notes/

            """)
        #expect(state.head == "0123456789abcdef0123456789abcdef01234567")
        #expect(state.uncommitted == ["MEMORY.md", "work/a file.md", "old.md -> new.md", "notes/"])
        #expect(HookWorktreeState.parse("# branch.oid (initial)\n# branch.head main\n").head == nil)
    }
}
