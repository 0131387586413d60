import Foundation
import GatewayCore

/// Hooks are agents' durable storage: worktrees of the town repo on orphan branches `hooks/<agent>`.
/// The Mayor's lives at `<town>/mayor`.
public struct HookBranches: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    public static func branch(for agent: String) -> String { "hooks/\(agent)" }

    /// Creates `hooks/mayor` holding MEMORY.md and memory/, checked out at `<town>/mayor`.
    public func createMayorHook() async throws {
        let git = environment.git
        let branch = Self.branch(for: "mayor")
        if !(await git.succeeds(Git.revParse("refs/heads/\(branch)", in: town.root))) {
            try await git.createOrphanBranch(
                branch,
                files: ["MEMORY.md": HookTemplates.memory, "memory/README.md": HookTemplates.memoryFolderNote],
                message: "Start the Mayor's hook", in: town.root)
        }
        if !FileSystem.exists(town.mayorDirectory) {
            try await git.run(Git.worktreeAddExisting(path: town.mayorDirectory, branch: branch, in: town.root))
        }
    }

    /// Creates another agent's hook on first use: branch `hooks/<agent>` holding a README, checked out at
    /// `worktree`. A branch that outlived its worktree is checked out again, history and all.
    public func createHook(agent: String, at worktree: URL) async throws {
        let git = environment.git
        let branch = Self.branch(for: agent)
        if !(await git.succeeds(Git.revParse("refs/heads/\(branch)", in: town.root))) {
            try await git.createOrphanBranch(
                branch, files: ["README.md": HookTemplates.hookNote(agent: agent)],
                message: "Start the hook of \(agent)", in: town.root)
        }
        if !FileSystem.exists(worktree) {
            try FileManager.default.createDirectory(at: worktree.deletingLastPathComponent(), withIntermediateDirectories: true)
            // A worktree folder deleted by hand leaves a stale registration that blocks `worktree add`.
            try await git.run(Git.worktreePrune(in: town.root))
            try await git.run(Git.worktreeAddExisting(path: worktree, branch: branch, in: town.root),
                              what: "checking out the hook of \(agent)")
        }
    }
}
