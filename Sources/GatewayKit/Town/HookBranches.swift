import Foundation

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
                files: ["MEMORY.md": TownTemplates.memory, "memory/README.md": TownTemplates.memoryFolderNote],
                message: "Start the Mayor's hook", in: town.root)
        }
        if !FileSystem.exists(town.mayorDirectory) {
            try await git.run(Git.worktreeAddExisting(path: town.mayorDirectory, branch: branch, in: town.root))
        }
    }
}
