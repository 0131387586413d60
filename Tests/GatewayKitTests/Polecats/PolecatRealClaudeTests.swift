import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayWork
import GatewayTestSupport

/// A polecat on the real Claude Code, its model played by gw-model-sim: Claude writes and commits a
/// file in the polecat's worktree with its own tools, and the result on the hook lists that commit.
@Suite(.serialized, .enabled(if: RealClaude.shouldRun(), "needs GW_CLAUDE_BIN (scripts/test sets it)"))
struct PolecatRealClaudeTests {
    @Test func claudeCommitsInItsWorktreeAndTheResultListsTheCommit() async throws {
        let claude = try RealClaude.requireBinary()
        let town = try await TestTown.withRig(rules: "")
        defer { town.close() }
        // The first polecat is furiosa, so its worktree is known before the sling.
        let worktree = town.town.polecatDirectory("app", "furiosa")
        let modelDirectory = town.directory.path("model")
        try FileManager.default.createDirectory(at: modelDirectory, withIntermediateDirectories: true)
        let model = try await ModelSimProcess(rules: """
            [[rule]]
            name = "greeting"
            match = "add a greeting file"
            [[rule.step]]
            tools = [{ name = "Write", input = { file_path = "\(worktree.path)/greeting.txt", content = "hello from a polecat\\n" } }]
            [[rule.step]]
            tools = [{ name = "Bash", input = { command = "git add greeting.txt && git commit -qm 'Add a greeting'" } }]
            [[rule.step]]
            reply = "Added and committed greeting.txt."
            """, in: modelDirectory)
        defer { model.stop() }
        try town.configure(try town.claudeProfile(claude, model: model, args: ["--allowedTools", "Bash"]))

        let supervisor = try town.supervisor
        let started = try await supervisor.sling(SlingRequest(rig: "app", text: "Please add a greeting file and commit it.", profile: "claude"))
        let polecat = try await supervisor.wait(for: started.id, timeout: 300)

        #expect(polecat.state == .done, "\(polecat.error ?? "")")
        #expect(polecat.commits?.contains("Add a greeting") == true)
        let branch = try #require(polecat.branch)
        await #expect(try shell("git show \(branch):greeting.txt", in: town.bareRepository) == "hello from a polecat\n")
        let result = try await town.hookFile("polecat-furiosa", "work/result.md")
        #expect(result.contains("Add a greeting"))
        #expect(result.contains("Added and committed greeting.txt."))
    }
}
