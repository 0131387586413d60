import Foundation
import GatewayCore

/// The git calls hooks make, as values (argv testable without running git).
extension Git {
    /// Stages everything in a worktree: new, changed and deleted files, the agent's included.
    public static func addAll(in worktree: URL) -> Command {
        command(["add", "--all"], in: worktree)
    }

    /// HEAD's commit and every uncommitted path, in one call (`HookWorktreeState`). Writes nothing — no
    /// index refresh — so a `git add` beside it never finds the index locked. Untracked files are named
    /// one by one, as they are once staged, so the list reads the same whichever side of an add it is taken.
    static func worktreeState(in worktree: URL) -> Command {
        command(["--no-optional-locks", "status", "--porcelain=v2", "--branch", "--untracked-files=all"], in: worktree)
    }

    /// `commit-tree` that fails rather than make up an identity from the login and host names, so a repo
    /// with none configured gets Gateway's (`GitClient.ensureIdentity`) instead of `root@somehost`.
    static func commitTreeWithConfiguredIdentity(_ tree: String, message: String, parent: String, in worktree: URL) -> Command {
        command(["-c", "user.useConfigOnly=true", "commit-tree", tree, "-m", message, "-p", parent], in: worktree)
    }

    /// Every branch under `refs/heads/hooks/` with its tip: `name<US>hash<US>date<US>subject` lines.
    public static func hookBranches(in repository: URL) -> Command {
        command(["for-each-ref", "--format=%(refname:strip=3)%1f%(objectname:short)%1f%(committerdate:iso-strict)%1f%(subject)",
                 "refs/heads/hooks/"], in: repository)
    }

    /// The last `limit` commits of `revision`: `hash<US>date<US>subject` lines, newest first.
    public static func logLines(_ revision: String, limit: Int, in repository: URL) -> Command {
        command(["log", "-n", String(limit), "--format=%h%x1f%cI%x1f%s", revision, "--"], in: repository)
    }

    /// The files a revision holds, NUL-separated.
    public static func lsTree(_ revision: String, in repository: URL) -> Command {
        command(["ls-tree", "-r", "-z", "--long", "--full-tree", revision], in: repository)
    }

    /// Pushes one branch to a remote given as a URL or path, so no remote is configured in the repo.
    public static func pushBranch(_ branch: String, to remote: String, in repository: URL) -> Command {
        command(["push", "--quiet", "--porcelain", remote, "refs/heads/\(branch):refs/heads/\(branch)"], in: repository)
    }

    public static func headCommit(in worktree: URL) -> Command {
        command(["rev-parse", "--short", "HEAD"], in: worktree)
    }

    /// Writes the index as a tree object and prints its id.
    public static func writeTree(in worktree: URL) -> Command {
        command(["write-tree"], in: worktree)
    }

    /// Moves HEAD's branch to `commit` only if it still points at `expected` (a compare-and-swap), with
    /// `reason` in the reflog.
    public static func moveHead(to commit: String, expected: String, reason: String, in worktree: URL) -> Command {
        command(["update-ref", "-m", reason, "HEAD", commit, expected], in: worktree)
    }

    public static func shortHash(_ revision: String, in repository: URL) -> Command {
        command(["rev-parse", "--short", revision], in: repository)
    }
}

/// The calls that keep Gateway's secrets out of hook commits (`HookCommitter.unstageSecrets`).
extension Git {
    /// Paths staged as added or changed (not deleted), NUL-separated.
    public static func stagedPaths(in worktree: URL) -> Command {
        command(["diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=d"], in: worktree)
    }

    /// Which of `paths` hold any of `texts` in the index (as staged, binary files too), NUL-separated.
    public static func stagedFilesContaining(_ texts: [String], paths: [String], in worktree: URL) -> Command {
        literal(command(["grep", "--cached", "-l", "-z", "-a", "-F"] + texts.flatMap { ["-e", $0] } + ["--"] + paths, in: worktree))
    }

    /// Takes `paths` back out of the index, as HEAD has them (a new file: not at all); the files stay.
    public static func unstage(_ paths: [String], in worktree: URL) -> Command {
        literal(command(["reset", "-q", "HEAD", "--"] + paths, in: worktree))
    }

    /// File names are names, never patterns (`*`, `:(glob)`), whatever an agent called its file.
    static func literal(_ command: Command) -> Command {
        var command = command
        command.environment["GIT_LITERAL_PATHSPECS"] = "1"
        return command
    }
}
