import Foundation
import GatewayCore

/// Crew: long-lived personal worktrees of a rig at `<town>/<rig>/crew/<name>` on branch `crew/<name>`.
public struct CrewManager: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    public static func branch(for name: String) -> String { "crew/\(name)" }

    public func add(name: String, rig: String) async throws -> CrewInfo {
        try Names.validate(name, kind: "crew")
        let record = try RigManager(environment: environment, town: town).record(rig)
        let path = town.crewDirectory(rig, name)
        return try await FileLock.withLockAsync(town.lockFile) {
            if FileSystem.exists(path) {
                throw GatewayError("crew \(name) already exists in rig \(rig) at \(path.path)")
            }
            let repository = town.rigRepository(rig)
            let git = environment.git
            let branch = Self.branch(for: name)
            if await git.succeeds(Git.revParse("refs/heads/\(branch)", in: repository)) {
                // The branch outlived an earlier crew of this name: pick its work up again.
                try await git.run(Git.worktreeAddExisting(path: path, branch: branch, in: repository))
            } else {
                guard await git.succeeds(Git.revParse("\(record.defaultBranch)^{commit}", in: repository)) else {
                    throw GatewayError("rig \(rig) has no commits on \(record.defaultBranch) yet: push a first commit to its source, then run `gw crew add \(name) --rig \(rig)`")
                }
                try await git.run(Git.worktreeAdd(path: path, newBranch: branch, from: record.defaultBranch, in: repository),
                                  what: "creating the worktree for crew \(name)")
            }
            return CrewInfo(name: name, rig: rig, branch: branch, path: path.path)
        }
    }

    /// A crew taken over from another clone of the rig (another tool's checkout): a worktree on
    /// `branch` as the rig already has it from origin; when the rig lacks the branch, `pushed` — the
    /// clone's own record of that branch on its remote — is fetched from the clone; failing both, a new
    /// branch from the rig's default branch. Work the clone holds only locally is never taken. Returns
    /// the crew and where its branch came from.
    public func adopt(name: String, rig: String, branch: String, clone: URL, pushed: String?) async throws -> (crew: CrewInfo, start: String) {
        try Names.validate(name, kind: "crew")
        try Names.validateBranch(branch)
        let record = try RigManager(environment: environment, town: town).record(rig)
        let path = town.crewDirectory(rig, name)
        return try await FileLock.withLockAsync(town.lockFile) {
            if FileSystem.exists(path) {
                throw GatewayError("crew \(name) already exists in rig \(rig) at \(path.path)")
            }
            let repository = town.rigRepository(rig)
            let git = environment.git
            var start = "\(branch) as origin has it"
            if await !git.succeeds(Git.revParse("refs/heads/\(branch)", in: repository)) {
                if let pushed {
                    try await git.run(Git.fetchRef(from: clone, pushed, to: "refs/heads/\(branch)", in: repository),
                                      what: "fetching \(branch) of crew \(name) from \(clone.path)")
                    start = "\(branch) as \(clone.path) last saw it on its remote"
                } else {
                    guard await git.succeeds(Git.revParse("\(record.defaultBranch)^{commit}", in: repository)) else {
                        throw GatewayError("rig \(rig) has no commits on \(record.defaultBranch) yet, so crew \(name) has nothing to start from")
                    }
                    try await git.run(Git.worktreeAdd(path: path, newBranch: branch, from: record.defaultBranch, in: repository),
                                      what: "creating the worktree for crew \(name)")
                    return (CrewInfo(name: name, rig: rig, branch: branch, path: path.path), "new from \(record.defaultBranch)")
                }
            }
            try await git.run(Git.worktreeAddExisting(path: path, branch: branch, in: repository), what: "creating the worktree for crew \(name)")
            return (CrewInfo(name: name, rig: rig, branch: branch, path: path.path), start)
        }
    }

    /// The crew of one rig, read from the folders and their HEAD files: no git process needed.
    public func members(of rig: String) -> [CrewInfo] {
        let directory = town.rigDirectory(rig).appendingPathComponent("crew")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().compactMap { name in
            let path = directory.appendingPathComponent(name)
            guard FileSystem.exists(path.appendingPathComponent(".git")) else { return nil }
            let branch = WorktreeSafety.checkedOutBranch(of: path) ?? Self.branch(for: name)
            return CrewInfo(name: name, rig: rig, branch: branch, path: path.path)
        }
    }

    public func list(rig: String?) throws -> [CrewInfo] {
        let rigs = try RigManager(environment: environment, town: town).list()
        if let rig, !rigs.contains(where: { $0.name == rig }) {
            _ = try RigManager(environment: environment, town: town).record(rig)
        }
        return rigs.filter { rig == nil || $0.name == rig }.flatMap(\.crew)
    }

    /// Removes a crew worktree (its branch stays in the rig); refuses while it holds unsaved work.
    public func remove(name: String, rig: String, force: Bool) async throws {
        _ = try RigManager(environment: environment, town: town).record(rig)
        let path = town.crewDirectory(rig, name)
        guard FileSystem.exists(path) else {
            throw GatewayError("no crew named \(name) in rig \(rig): `gw crew list --rig \(rig)` shows who is there")
        }
        let safety = WorktreeSafety(environment: environment, town: town)
        if !force {
            let problems = try await safety.unsavedWork(at: path, rig: rig)
            if !problems.isEmpty {
                throw GatewayError("crew \(name) has work that would be lost:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
                                   + "\ncommit and push it, or remove anyway with `gw crew remove \(name) --rig \(rig) --force`")
            }
        }
        _ = try await FileLock.withLockAsync(town.lockFile) {
            try await environment.git.run(Git.worktreeRemove(path: path, force: true, in: town.rigRepository(rig)),
                                          what: "removing the worktree of crew \(name)")
        }
    }
}

/// Answers "would removing this worktree lose anything?" for crew and polecat worktrees alike.
public struct WorktreeSafety: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    /// Every worktree folder of a rig: its crew and its polecats.
    public func worktrees(ofRig rig: String) -> [URL] {
        ["crew", "polecats"].flatMap { kind -> [URL] in
            let directory = town.rigDirectory(rig).appendingPathComponent(kind)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.sorted().map { directory.appendingPathComponent($0) }
                .filter { FileSystem.exists($0.appendingPathComponent(".git")) }
        }
    }

    /// What exists only in this worktree: uncommitted changes, and commits no remote has.
    public func unsavedWork(at worktree: URL, rig: String) async throws -> [String] {
        let git = environment.git
        var problems: [String] = []
        let label = worktree.path.replacingOccurrences(of: town.root.path + "/", with: "")
        let changes = try await git.uncommittedChanges(in: worktree)
        if !changes.isEmpty {
            problems.append("\(label): \(changes.count) uncommitted change\(changes.count == 1 ? "" : "s") (\(changes.prefix(3).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")))")
        }
        if let branch = Self.checkedOutBranch(of: worktree) {
            let count = try await git.unpushedCommits(branch: branch, in: town.rigRepository(rig))
            if count > 0 {
                problems.append("\(label): \(count) commit\(count == 1 ? "" : "s") on \(branch) not pushed to origin")
            }
        }
        return problems
    }

    /// The branch a worktree has checked out, read from its HEAD file (a worktree's `.git` is a file
    /// naming its private git dir).
    public static func checkedOutBranch(of worktree: URL) -> String? {
        guard let pointer = try? String(contentsOf: worktree.appendingPathComponent(".git"), encoding: .utf8),
              pointer.hasPrefix("gitdir:")
        else { return nil }
        var gitDirectory = pointer.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        if !gitDirectory.hasPrefix("/") { gitDirectory = worktree.appendingPathComponent(gitDirectory).path }
        guard let head = try? String(contentsOfFile: gitDirectory + "/HEAD", encoding: .utf8) else { return nil }
        let reference = head.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reference.hasPrefix("ref: refs/heads/") else { return nil }
        return String(reference.dropFirst("ref: refs/heads/".count))
    }
}
