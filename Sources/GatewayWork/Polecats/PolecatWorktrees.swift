import Foundation
import GatewayCore

/// The polecats' worktrees of a rig: `<town>/<rig>/polecats/<name>` on branch `polecat/<name>-<time>`,
/// made from the rig's default branch in its bare repo, and the questions asked before removing one.
struct PolecatWorktrees: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    var git: GitClient { environment.git }

    /// Creates the worktree on a new branch from the rig's default branch; returns the branch.
    func create(rig: String, name: String) async throws -> (branch: String, path: URL) {
        let record = try RigManager(environment: environment, town: town).record(rig)
        let repository = town.rigRepository(rig)
        let path = town.polecatDirectory(rig, name)
        let stamp = Self.stamp(environment.clock.now())
        return try await FileLock.withLockAsync(town.lockFile) {
            guard await git.succeeds(Git.revParse("\(record.defaultBranch)^{commit}", in: repository)) else {
                throw GatewayError("rig \(rig) has no commits on \(record.defaultBranch) yet: push a first commit to its source, then sling again")
            }
            var branch = "polecat/\(name)-\(stamp)"
            var suffix = 2
            while await git.succeeds(Git.revParse("refs/heads/\(branch)", in: repository)) {
                branch = "polecat/\(name)-\(stamp)-\(suffix)"
                suffix += 1
            }
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            // A folder deleted by hand leaves a registration that blocks `worktree add`.
            try await git.run(Git.worktreePrune(in: repository))
            try await git.run(Git.worktreeAdd(path: path, newBranch: branch, from: record.defaultBranch, in: repository),
                              what: "creating the worktree of polecat \(name)")
            return (branch, path)
        }
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    func defaultBranch(_ rig: String) throws -> String {
        try RigManager(environment: environment, town: town).record(rig).defaultBranch
    }

    /// Commits on `branch` that the rig's default branch does not have, newest first, as `hash subject`.
    func commitsBeyondDefault(rig: String, branch: String) async throws -> [String] {
        let base = try defaultBranch(rig)
        let output = try await git.run(Git.command(["log", "--format=%h %s", "\(base)..\(branch)"], in: town.rigRepository(rig)))
        return output.split(separator: "\n").map(String.init)
    }

    /// What removing this polecat's worktree would lose: uncommitted changes, and commits not merged
    /// into the default branch.
    func wouldLose(_ polecat: Polecat) async throws -> [String] {
        guard let path = polecat.worktree, let branch = polecat.branch else { return [] }
        var problems: [String] = []
        let worktree = URL(fileURLWithPath: path)
        if FileSystem.exists(worktree) {
            let changes = try await git.uncommittedChanges(in: worktree)
            if !changes.isEmpty {
                problems.append("\(changes.count) uncommitted change\(changes.count == 1 ? "" : "s") in \(path) (\(changes.prefix(3).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")))")
            }
        }
        if await git.succeeds(Git.revParse("refs/heads/\(branch)", in: town.rigRepository(polecat.rig))) {
            let commits = try await commitsBeyondDefault(rig: polecat.rig, branch: branch)
            if !commits.isEmpty {
                problems.append("\(commits.count) commit\(commits.count == 1 ? "" : "s") on \(branch) not merged into \(try defaultBranch(polecat.rig)): \(commits.prefix(3).joined(separator: "; "))")
            }
        }
        return problems
    }

    /// Removes the worktree; the branch goes too when nothing on it is unmerged, and stays otherwise.
    func remove(_ polecat: Polecat) async throws {
        guard let path = polecat.worktree else { return }
        let repository = town.rigRepository(polecat.rig)
        try await FileLock.withLockAsync(town.lockFile) {
            if FileSystem.exists(URL(fileURLWithPath: path)) {
                try await git.run(Git.worktreeRemove(path: URL(fileURLWithPath: path), force: true, in: repository),
                                  what: "removing the worktree of polecat \(polecat.displayName)")
            }
            guard let branch = polecat.branch, await git.succeeds(Git.revParse("refs/heads/\(branch)", in: repository)) else { return }
            if try await commitsBeyondDefault(rig: polecat.rig, branch: branch).isEmpty {
                try await git.run(Git.deleteBranch(branch, force: true, in: repository))
            }
        }
    }
}
