import Foundation
import GatewayCore

/// An agent's hook: its durable storage, a worktree of the town repo on the orphan branch `hooks/<agent>`.
public struct Hook: Sendable, Equatable, Codable {
    public var agent: String
    public var branch: String
    /// The worktree's absolute path.
    public var path: String

    public var worktree: URL { URL(fileURLWithPath: path) }

    public init(agent: String, town: Town) {
        self.agent = agent
        branch = HookBranches.branch(for: agent)
        path = Hook.worktree(for: agent, in: town).path
    }

    public static let mayor = "mayor"

    /// The Mayor's hook is `<town>/mayor` (made by `gw install`); every other agent's lives under `.gateway/hooks/`.
    public static func worktree(for agent: String, in town: Town) -> URL {
        agent == mayor ? town.mayorDirectory : town.hooksDirectory.appendingPathComponent(agent)
    }

    /// Agent names become branch and folder names, so they take the same rules as rig names.
    public static func validate(_ agent: String) throws {
        if agent == mayor { return }
        try Names.validate(agent, kind: "agent")
    }
}

extension Town {
    /// Where the hooks of agents other than the Mayor are checked out.
    public var hooksDirectory: URL { runtimeDirectory.appendingPathComponent("hooks") }
    /// Per-hook lock files and push records (outside the worktrees, so git never sees them).
    public var hookStateDirectory: URL { runtimeDirectory.appendingPathComponent("hook-state") }
    /// The memory search index: derived from the Mayor's files, rebuilt from them at any time.
    public var memoryIndexFile: URL { runtimeDirectory.appendingPathComponent("memory-index.sqlite") }
}

/// One commit on a hook branch.
public struct HookCommitInfo: Sendable, Equatable, Codable {
    public var commit: String
    public var date: String
    public var subject: String

    /// Parses a `hash<US>date<US>subject` line.
    init?(line: Substring) {
        let fields = line.split(separator: "\u{1f}", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return nil }
        commit = String(fields[0])
        date = String(fields[1])
        subject = String(fields[2])
    }
}

/// What a write to a hook did.
public struct HookWriteResult: Sendable, Equatable, Codable {
    public var agent: String
    /// The new commit, nil when the write changed nothing.
    public var commit: String?
    /// Paths the write itself touched, relative to the hook.
    public var paths: [String]
    /// Uncommitted changes that were already in the worktree (the agent's) and went into the same commit.
    public var tookAlong: [String]
    /// Set when a remote is configured and pushing failed (the commit is safe locally).
    public var pushError: String?
}
