import Foundation
import GatewayCore

/// Commits everything in a hook worktree, sharing it politely with the agent who works there.
///
/// Each worktree has its own index (`.git/worktrees/<name>/index`), so hooks never contend with each
/// other; within one hook the caller holds the hook's flock. The agents' git takes that flock too
/// (`AgentGit`), but a git called by full path does not: when one holds the worktree's `index.lock`,
/// Gateway waits and retries with backoff — it never fails for it and never deletes the lock, which may
/// be live.
struct HookCommitter: Sendable {
    let environment: GatewayEnvironment
    let worktree: URL
    /// How long to keep retrying while another git holds the worktree's index or HEAD lock.
    let lockWait: ConfigDuration
    /// Gateway's secrets: a file holding one is left out of the commit (`unstageSecrets`).
    var secrets = GatewaySecrets()

    var clock: any WallClock { environment.clock }

    /// Stages every change (the agent's uncommitted ones too) and commits; returns the short hash,
    /// or nil when nothing changed. `head` is HEAD's commit as the caller last saw it (from `state()`),
    /// which saves asking git again; a stale one only costs a retry.
    ///
    /// Not `git commit`: it writes the message to the worktree's shared `COMMIT_EDITMSG` and reads it
    /// back, so an agent's commit running at the same moment could hand Gateway its message, or an
    /// empty one. Instead the staged tree becomes a commit object, and HEAD's branch moves to it only if
    /// it still points where it did (a compare-and-swap); if the agent committed in between, Gateway
    /// stages again on top of the agent's commit.
    /// `staged`: the caller has just run `stageAll()`, so the first round stages nothing again.
    func commitAll(message: String, head: String? = nil, staged: Bool = false) async throws -> String? {
        let deadline = clock.now().addingTimeInterval(lockWait.seconds)
        var delay = 0.01
        var knownHead = head
        var stageAgain = !staged
        while true {
            let parent: String
            if let knownHead { parent = knownHead } else { parent = try await output(Git.revParse("HEAD", in: worktree)) }
            knownHead = nil
            // Read while the index is staged and written: it depends on the parent alone.
            async let parentTree = output(Git.revParse("\(parent)^{tree}", in: worktree))
            if stageAgain { try await stageAll() }
            stageAgain = true
            _ = try await unstageSecrets()
            let tree = try await output(Git.writeTree(in: worktree))
            // Nothing staged is a tree equal to the parent's: no empty commits.
            guard try await parentTree != tree else { return nil }
            let commit = try await commitTree(tree, message: message, parent: parent)
            let subject = message.split(separator: "\n").first.map(String.init) ?? message
            // The short hash is read while HEAD moves: both only need the commit object to exist.
            async let shortHash = environment.processes.run(Git.shortHash(commit, in: worktree))
            let moved = try await environment.processes.run(Git.moveHead(to: commit, expected: parent, reason: "gw: \(subject)", in: worktree))
            let short = try await shortHash
            if moved.succeeded {
                guard short.succeeded else { throw failure(Git.shortHash(commit, in: worktree), short) }
                return short.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            // HEAD moved (an agent committed) or its lock was held: stage again on the new HEAD.
            guard Self.isLockContention(moved.stderr) || moved.stderr.contains("but expected") else {
                throw failure(Git.moveHead(to: commit, expected: parent, reason: subject, in: worktree), moved)
            }
            if clock.now() >= deadline {
                throw GatewayError("the hook \(worktree.path) kept changing under Gateway's commit for over \(lockWait): \(moved.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            try await clock.sleep(for: .seconds(delay * Double.random(in: 0.5...1.5)))
            delay = min(delay * 2, 0.4)
        }
    }

    /// Makes the commit object. Writers run with whatever HOME their caller has (an agent's MCP server
    /// may have one with no git identity): when git finds none configured, the town repo gets Gateway's
    /// own and the commit is made again — a config check on every write would cost a git call each time.
    private func commitTree(_ tree: String, message: String, parent: String) async throws -> String {
        let strict = Git.commitTreeWithConfiguredIdentity(tree, message: message, parent: parent, in: worktree)
        let result = try await runRetryingWhileLocked(strict)
        if result.succeeded { return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard Self.lacksIdentity(result.stderr) else { throw failure(strict, result) }
        try await environment.git.ensureIdentity(in: worktree)
        return try await output(Git.commitTree(tree, message: message, parents: [parent], in: worktree))
    }

    /// git's words for "no user.name or user.email to commit with".
    static func lacksIdentity(_ stderr: String) -> Bool {
        ["auto-detection is disabled", "Please tell me who you are", "unable to auto-detect", "empty ident name"]
            .contains { stderr.contains($0) }
    }

    /// Runs `command` (waiting out other gits' locks) and returns its trimmed stdout.
    private func output(_ command: Command) async throws -> String {
        let result = try await runRetryingWhileLocked(command)
        guard result.succeeded else { throw failure(command, result) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stages every change in the worktree (`git add --all`), waiting out another git's lock.
    func stageAll() async throws {
        try await retryingWhileLocked(Git.addAll(in: worktree))
    }

    /// HEAD's commit and what is uncommitted right now. It takes no lock (`--no-optional-locks`), so it
    /// may run beside `stageAll()`: a path that differs from HEAD shows, staged or not, either side of the add.
    func state() async throws -> HookWorktreeState {
        let result = try await runRetryingWhileLocked(Git.worktreeState(in: worktree))
        guard result.succeeded else { throw failure(Git.worktreeState(in: worktree), result) }
        return HookWorktreeState.parse(result.stdout)
    }

    /// Uncommitted paths, as `git status --porcelain` shows them.
    func uncommittedPaths() async throws -> [String] {
        try await state().uncommitted
    }

    private func retryingWhileLocked(_ command: Command) async throws {
        let result = try await runRetryingWhileLocked(command)
        guard result.succeeded else { throw failure(command, result) }
    }

    /// Runs `command`, retrying with exponential backoff (10 ms doubling to 400 ms, jittered) for as
    /// long as it fails only because another git process holds a lock in this worktree.
    func runRetryingWhileLocked(_ command: Command) async throws -> ProcessResult {
        let deadline = clock.now().addingTimeInterval(lockWait.seconds)
        var delay = 0.01
        while true {
            let result = try await environment.processes.run(command)
            guard !result.succeeded, Self.isLockContention(result.stderr) else { return result }
            if clock.now() >= deadline {
                throw GatewayError("""
                    another git process has held a lock in \(worktree.path) for over \(lockWait): \
                    \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) — if no git is running there, \
                    the lock was left by a crash: remove that .lock file, then run the command again
                    """)
            }
            environment.logger.debug("hook worktree locked by another git; retrying", metadata: ["worktree": "\(worktree.path)"])
            try await clock.sleep(for: .seconds(delay * Double.random(in: 0.5...1.5)))
            delay = min(delay * 2, 0.4)
        }
    }

    /// git's words for "someone else holds the lock": `index.lock': File exists`, `cannot lock ref`.
    static func isLockContention(_ stderr: String) -> Bool {
        (stderr.contains(".lock") && (stderr.contains("File exists") || stderr.contains("Unable to create")))
            || stderr.contains("cannot lock ref")
    }

    private func failure(_ command: Command, _ result: ProcessResult) -> GatewayError {
        let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return GatewayError("\(command) failed (exit \(result.status)): \(detail.isEmpty ? result.stdout : detail)")
    }
}
