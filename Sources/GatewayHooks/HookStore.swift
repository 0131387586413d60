import Foundation
import GatewayCore

/// Reads and writes agents' hooks. Every write is a commit, made under the hook's own flock so writers
/// to one hook queue up while writers to different hooks (each worktree has its own index) never meet.
public struct HookStore: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let settings: HooksSettings
    /// What no commit may hold (`HookCommitter.unstageSecrets`).
    let secrets: GatewaySecrets

    public init(environment: GatewayEnvironment, town: Town, settings: HooksSettings = .init(), secrets: GatewaySecrets = .init()) {
        self.environment = environment
        self.town = town
        self.settings = settings
        self.secrets = secrets
    }

    /// The flock every Gateway writer of `agent`'s hook holds; the agents' git (`AgentGit`) takes it
    /// too, so an agent's commit never meets Gateway's index lock.
    public func lockFile(for agent: String) -> URL {
        town.hookStateDirectory.appendingPathComponent("\(agent).lock")
    }

    /// An existing hook; unknown agents are an error that says how to see the known ones.
    @discardableResult
    public func existingHook(_ agent: String) throws -> Hook {
        try Hook.validate(agent)
        let hook = Hook(agent: agent, town: town)
        guard FileSystem.exists(hook.worktree.appendingPathComponent(".git")) else {
            if agent == Hook.mayor {
                throw GatewayError("the Mayor's hook \(hook.path) is missing: run `gw install \(town.root.path)` to restore it")
            }
            throw GatewayError("no hook for agent \"\(agent)\": `gw hook list` shows the hooks there are; `gw hook put \(agent) FILE` makes one")
        }
        return hook
    }

    /// The hook of `agent`, created on first use.
    public func ensureHook(_ agent: String) async throws -> Hook {
        try Hook.validate(agent)
        let hook = Hook(agent: agent, town: town)
        // Not the worktree's `.git`: `git worktree add` writes that first and checks the files out after,
        // and a writer that started then would stage the missing files as deletions.
        let ready = town.hookStateDirectory.appendingPathComponent("\(agent).ready")
        if FileSystem.exists(ready), FileSystem.exists(hook.worktree.appendingPathComponent(".git")) { return hook }
        if agent == Hook.mayor, FileSystem.exists(hook.worktree.appendingPathComponent(".git")) { return hook }
        // Creation touches the town repo's shared worktree list: one creator at a time.
        try await FileLock.withLockAsync(town.lockFile) {
            let branches = HookBranches(environment: environment, town: town)
            if agent == Hook.mayor {
                try await branches.createMayorHook()
            } else {
                try await branches.createHook(agent: agent, at: hook.worktree)
            }
            try FileSystem.writeAtomically("", to: ready)
        }
        return hook
    }

    /// Edits files in `agent`'s hook under its lock and commits the result, the agent's own uncommitted
    /// changes included (they are listed in the commit message, never overwritten). `edit` gets the
    /// worktree and returns the paths it touched (none: it changed nothing, and a clean hook makes no commit).
    public func write(
        _ agent: String, message: String, _ edit: @Sendable (URL) throws -> [String]
    ) async throws -> HookWriteResult {
        let hook = try await ensureHook(agent)
        let committer = HookCommitter(environment: environment, worktree: hook.worktree, lockWait: settings.lockWait, secrets: secrets)
        var result = try await FileLock.withLockAsync(lockFile(for: agent)) {
            // What was uncommitted is read while the edit runs and its result is staged (a git status
            // beside in-process file writes and then a git add): the edit's own paths are left out of it
            // below, so whether git saw them is moot, and a path the agent changed shows either side of
            // the add. (An edit that throws leaves `state` to be cancelled and awaited as the scope ends.)
            async let state = committer.state()
            let paths = try edit(hook.worktree)
            try await committer.stageAll()
            let before = try await state
            let tookAlong = before.uncommitted.filter { !Self.isOwn($0, paths: paths) }
            var fullMessage = message
            if !tookAlong.isEmpty {
                fullMessage += "\n\nWith uncommitted changes already in the hook:\n" + tookAlong.map { "  \($0)" }.joined(separator: "\n")
            }
            // Nothing was uncommitted and the edit changed nothing (a retried append): no commit to try.
            guard !before.uncommitted.isEmpty || !paths.isEmpty else {
                return HookWriteResult(agent: agent, commit: nil, paths: paths, tookAlong: [], pushError: nil)
            }
            let commit = try await committer.commitAll(message: fullMessage, head: before.head, staged: true)
            return HookWriteResult(agent: agent, commit: commit, paths: paths, tookAlong: tookAlong, pushError: nil)
        }
        if result.commit != nil {
            result.pushError = await HookPusher(environment: environment, town: town, settings: settings).push(agent)
        }
        return result
    }

    /// Hangs work on a hook: writes `data` to `work/<name>` and commits it.
    public func put(_ agent: String, name: String, data: Data) async throws -> HookWriteResult {
        try Self.validateWorkName(name)
        let relative = "work/\(name)"
        return try await write(agent, message: "Hang \(relative) on the hook of \(agent)") { worktree in
            try FileSystem.writeAtomically(data, to: worktree.appendingPathComponent(relative))
            return [relative]
        }
    }

    /// Commits what an interrupted write (or a crashed agent) left uncommitted, saying so in the message.
    /// The daemon calls it for every hook when it starts (`Daemon.recoverHooks`); nil when the hook was clean.
    public func recoverUncommitted(_ agent: String) async throws -> HookWriteResult? {
        let hook = try existingHook(agent)
        let committer = HookCommitter(environment: environment, worktree: hook.worktree, lockWait: settings.lockWait, secrets: secrets)
        let result = try await FileLock.withLockAsync(lockFile(for: agent)) { () async throws -> HookWriteResult? in
            let state = try await committer.state()
            let left = state.uncommitted
            guard !left.isEmpty else { return nil }
            let message = "Recover uncommitted changes found at start (left by an interrupted write)\n\n"
                + left.map { "  \($0)" }.joined(separator: "\n")
            let commit = try await committer.commitAll(message: message, head: state.head)
            return HookWriteResult(agent: agent, commit: commit, paths: [], tookAlong: left, pushError: nil)
        }
        guard var result, result.commit != nil else { return result }
        result.pushError = await HookPusher(environment: environment, town: town, settings: settings).push(agent)
        return result
    }

    /// Whether `uncommitted` (as `git status` names it) is the edit's own work: one of `paths`, or the
    /// temporary file one of them is written through, seen mid-write.
    static func isOwn(_ uncommitted: String, paths: [String]) -> Bool {
        paths.contains { $0 == uncommitted || FileSystem.isTemporary(uncommitted, of: $0) }
    }

    /// A file name for hung work: one path component, no hidden or temporary names.
    static func validateWorkName(_ name: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name.count <= 200 else {
            throw GatewayError.usage("\"\(name)\" is not a usable work file name: give a plain file name such as task.md (no /, not starting with .)")
        }
    }
}
