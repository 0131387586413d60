import Foundation
import GatewayCore

/// One line of `gw hook list`.
public struct HookSummary: Sendable, Equatable, Codable {
    public var agent: String
    public var branch: String
    /// nil when the branch has no worktree checked out (its history is still readable).
    public var path: String?
    public var last: HookCommitInfo?
}

/// A file on a hook branch.
public struct HookFile: Sendable, Equatable, Codable {
    public var path: String
    public var size: Int
}

/// Everything `gw hook show` prints.
public struct HookDetails: Sendable, Equatable, Codable {
    public var agent: String
    public var branch: String
    public var path: String
    public var files: [HookFile]
    public var commits: [HookCommitInfo]
    /// Uncommitted paths in the worktree right now (the agent's work in progress).
    public var uncommitted: [String]
    public var lockFile: String
    public var lastPush: HookPushRecord?
}

/// Reads hooks: the branches from the town repo, files and history from git, never from a cache.
extension HookStore {
    public func list() async throws -> [HookSummary] {
        let output = try await environment.git.run(Git.hookBranches(in: town.root))
        return output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\u{1f}", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2 else { return nil }
            let agent = String(fields[0])
            let hook = Hook(agent: agent, town: town)
            let checkedOut = FileSystem.exists(hook.worktree.appendingPathComponent(".git"))
            return HookSummary(agent: agent, branch: hook.branch, path: checkedOut ? hook.path : nil,
                               last: HookCommitInfo(line: fields[1]))
        }.sorted { ($0.agent == Hook.mayor ? "" : $0.agent) < ($1.agent == Hook.mayor ? "" : $1.agent) }
    }

    public func show(_ agent: String, commits: Int = 10) async throws -> HookDetails {
        let hook = try existingHook(agent)
        let committer = HookCommitter(environment: environment, worktree: hook.worktree, lockWait: settings.lockWait)
        let tree = try await environment.git.run(Git.lsTree("refs/heads/\(hook.branch)", in: town.root))
        let files = tree.split(separator: "\0").compactMap { entry -> HookFile? in
            // "<mode> <type> <object> <size>\t<path>"
            guard let tab = entry.firstIndex(of: "\t") else { return nil }
            let size = Int(entry[..<tab].split(separator: " ").last ?? "") ?? 0
            return HookFile(path: String(entry[entry.index(after: tab)...]), size: size)
        }
        return HookDetails(
            agent: agent, branch: hook.branch, path: hook.path, files: files,
            commits: try await log(agent, limit: commits),
            uncommitted: try await committer.uncommittedPaths(),
            lockFile: lockFile(for: agent).path,
            lastPush: HookPusher(environment: environment, town: town, settings: settings).lastRecord(agent))
    }

    /// The newest `limit` commits of the hook branch; works for a branch with no worktree too.
    public func log(_ agent: String, limit: Int = 20) async throws -> [HookCommitInfo] {
        try Hook.validate(agent)
        let branch = HookBranches.branch(for: agent)
        guard await environment.git.succeeds(Git.revParse("refs/heads/\(branch)", in: town.root)) else {
            throw GatewayError("no hook for agent \"\(agent)\": `gw hook list` shows the hooks there are")
        }
        let output = try await environment.git.run(Git.logLines("refs/heads/\(branch)", limit: limit, in: town.root))
        return output.split(separator: "\n").compactMap { HookCommitInfo(line: $0) }
    }
}
