import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

@Suite struct GitCommandTests {
    let repository = URL(fileURLWithPath: "/town")

    @Test func cloneIsBareQuietAndEndsOptions() {
        let command = Git.cloneBare("https://example.com/r.git", into: URL(fileURLWithPath: "/town/r/.repo.git"))
        #expect(command.argv == ["git", "clone", "--bare", "--quiet", "--", "https://example.com/r.git", "/town/r/.repo.git"])
        #expect(command.environment["GIT_TERMINAL_PROMPT"] == "0")
    }

    @Test func aReferenceCloneCopiesWhatItBorrows() {
        let command = Git.cloneBare("https://example.com/r.git", into: URL(fileURLWithPath: "/town/r/.repo.git"), reference: URL(fileURLWithPath: "/gt/r/.repo.git"))
        #expect(command.argv == ["git", "clone", "--bare", "--quiet", "--reference-if-able", "/gt/r/.repo.git", "--dissociate",
                                 "--", "https://example.com/r.git", "/town/r/.repo.git"])
    }

    @Test func readingAnotherToolsCloneWritesNothingAndFetchesWithoutForce() {
        let status = Git.statusReadOnly(in: URL(fileURLWithPath: "/gt/r/crew/ann"))
        #expect(status.argv == ["git", "-C", "/gt/r/crew/ann", "--no-optional-locks", "-c", "core.fsmonitor=false", "status", "--porcelain", "--untracked-files=normal"])
        let fetch = Git.fetchRef(from: URL(fileURLWithPath: "/gt/r/crew/ann"), "refs/remotes/origin/spike", to: "refs/heads/spike", in: repository)
        #expect(fetch.argv == ["git", "-C", "/town", "fetch", "--quiet", "--no-tags", "--", "/gt/r/crew/ann", "refs/remotes/origin/spike:refs/heads/spike"])
    }

    @Test func worktreeCallsNameTheirRepository() {
        let add = Git.worktreeAdd(path: URL(fileURLWithPath: "/town/r/crew/ann"), newBranch: "crew/ann", from: "main", in: repository)
        #expect(add.argv == ["git", "-C", "/town", "worktree", "add", "--quiet", "-b", "crew/ann", "/town/r/crew/ann", "main"])
        let remove = Git.worktreeRemove(path: URL(fileURLWithPath: "/town/r/crew/ann"), force: true, in: repository)
        #expect(remove.argv == ["git", "-C", "/town", "worktree", "remove", "--force", "--force", "/town/r/crew/ann"])
    }

    @Test func commitLimitedToPathsSkipsHooks() {
        let commit = Git.commit(message: "Add rig a", paths: ["rigs.json"], in: repository)
        #expect(commit.argv == ["git", "-C", "/town", "commit", "--quiet", "--no-verify", "-m", "Add rig a", "--", "rigs.json"])
    }

    @Test func updateRefNeverOverwrites() {
        #expect(Git.updateRef("refs/heads/hooks/mayor", to: "abc", in: repository).argv.suffix(3) == ["refs/heads/hooks/mayor", "abc", ""])
    }

    @Test func unpushedCountsAgainstEveryRemote() {
        #expect(Git.unpushedCount(branch: "crew/ann", in: repository).argv.suffix(5) == ["rev-list", "--count", "crew/ann", "--not", "--remotes"])
    }

    @Test(arguments: [("git version 2.39.5", 2, 39), ("git version 2.39.3 (Apple Git-146)", 2, 39), ("git version 3.0.0", 3, 0)])
    func readsGitVersions(text: String, major: Int, minor: Int) {
        let version = GitClient.parseVersion(text)
        #expect(version?.major == major && version?.minor == minor)
    }

    @Test func tooOldGitIsAClearError() async {
        let git = GitClient(runner: ScriptedRunner { _ in ProcessResult(status: 0, stdout: "git version 2.17.1\n", stderr: "") })
        await #expect(throws: GatewayError("git 2.17 is too old: Gateway needs git 2.25 or newer")) {
            try await git.requireSupportedVersion()
        }
    }

    @Test func missingGitIsAClearError() async {
        let git = GitClient(runner: ScriptedRunner { _ in throw GatewayError("git is not installed or not on PATH") })
        await #expect(throws: GatewayError.self) { try await git.requireSupportedVersion() }
    }
}

/// A runner that answers from a closure: for argv-level tests that must not spawn anything.
struct ScriptedRunner: ProcessRunning {
    let answer: @Sendable (Command) throws -> ProcessResult
    init(_ answer: @escaping @Sendable (Command) throws -> ProcessResult) { self.answer = answer }
    func run(_ command: Command) async throws -> ProcessResult { try answer(command) }
}
