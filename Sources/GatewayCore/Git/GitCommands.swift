import Foundation

/// git calls as values. Every call names its repository with `-C` so none depends on the cwd, and
/// runs with prompts off so a bad URL fails instead of waiting for a password nobody will type.
public enum Git {
    public static let environment: [String: String] = [
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "LC_ALL": "C",
    ]

    package static func command(_ arguments: [String], in repository: URL? = nil, input: Data? = nil) -> Command {
        let prefix = repository.map { ["-C", $0.path] } ?? []
        return Command("git", prefix + arguments, environment: environment, standardInput: input)
    }

    public static func version() -> Command { command(["--version"]) }

    public static func initRepository(_ directory: URL, branch: String = "main") -> Command {
        command(["init", "--quiet", "--initial-branch=\(branch)", directory.path])
    }

    public static func cloneBare(_ source: String, into directory: URL) -> Command {
        command(["clone", "--bare", "--quiet", "--", source, directory.path])
    }

    /// A bare clone that borrows objects from `reference` (another clone of the same project, when it
    /// is one) to save the download, then copies what it borrowed (`--dissociate`), so the new clone
    /// never depends on the other folder afterwards.
    public static func cloneBare(_ source: String, into directory: URL, reference: URL) -> Command {
        command(["clone", "--bare", "--quiet", "--reference-if-able", reference.path, "--dissociate", "--", source, directory.path])
    }

    /// Fetches one ref of another repository on this machine into `destination` here, never
    /// overwriting a branch that exists (no `+`).
    public static func fetchRef(from repository: URL, _ reference: String, to destination: String, in target: URL) -> Command {
        command(["fetch", "--quiet", "--no-tags", "--", repository.path, "\(reference):\(destination)"], in: target)
    }

    /// `git status --porcelain` that writes nothing: no index refresh (`--no-optional-locks`) and no
    /// file-system monitor hook, for reading a repository that is not Gateway's own.
    public static func statusReadOnly(in worktree: URL) -> Command {
        command(["--no-optional-locks", "-c", "core.fsmonitor=false", "status", "--porcelain", "--untracked-files=normal"], in: worktree)
    }

    /// Commits reachable from `revision` that no remote-tracking branch has.
    public static func unpushedCount(of revision: String, in repository: URL) -> Command {
        command(["rev-list", "--count", revision, "--not", "--remotes", "--"], in: repository)
    }

    public static func config(_ key: String, _ value: String, in repository: URL) -> Command {
        command(["config", key, value], in: repository)
    }

    public static func getConfig(_ key: String, in repository: URL? = nil) -> Command {
        command(["config", "--get", key], in: repository)
    }

    public static func fetch(_ remote: String = "origin", in repository: URL) -> Command {
        command(["fetch", "--quiet", "--prune", remote], in: repository)
    }

    public static func add(_ paths: [String], in repository: URL) -> Command {
        command(["add", "--all", "--"] + paths, in: repository)
    }

    public static func commit(message: String, paths: [String]? = nil, allowEmpty: Bool = false, in repository: URL) -> Command {
        var arguments = ["commit", "--quiet", "--no-verify", "-m", message]
        if allowEmpty { arguments.append("--allow-empty") }
        if let paths { arguments += ["--"] + paths }
        return command(arguments, in: repository)
    }

    /// The branch HEAD points at (`refs/heads/main` in a bare clone).
    public static func symbolicHead(in repository: URL) -> Command {
        command(["symbolic-ref", "--quiet", "HEAD"], in: repository)
    }

    public static func revParse(_ revision: String, in repository: URL) -> Command {
        command(["rev-parse", "--verify", "--quiet", revision], in: repository)
    }

    public static func worktreeAdd(path: URL, newBranch: String, from start: String, in repository: URL) -> Command {
        command(["worktree", "add", "--quiet", "-b", newBranch, path.path, start], in: repository)
    }

    public static func worktreeAddExisting(path: URL, branch: String, in repository: URL) -> Command {
        command(["worktree", "add", "--quiet", path.path, branch], in: repository)
    }

    public static func worktreeRemove(path: URL, force: Bool, in repository: URL) -> Command {
        command(["worktree", "remove"] + (force ? ["--force", "--force"] : []) + [path.path], in: repository)
    }

    public static func worktreePrune(in repository: URL) -> Command {
        command(["worktree", "prune"], in: repository)
    }

    public static func statusPorcelain(in worktree: URL) -> Command {
        command(["status", "--porcelain", "--untracked-files=normal"], in: worktree)
    }

    /// Commits on `branch` that no remote-tracking branch has: work that exists only here.
    public static func unpushedCount(branch: String, in repository: URL) -> Command {
        command(["rev-list", "--count", branch, "--not", "--remotes"], in: repository)
    }

    public static func deleteBranch(_ branch: String, force: Bool, in repository: URL) -> Command {
        command(["branch", force ? "-D" : "-d", "--quiet", branch], in: repository)
    }

    public static func hashObject(in repository: URL, input: Data) -> Command {
        command(["hash-object", "-w", "--stdin"], in: repository, input: input)
    }

    /// Builds a tree from `ls-tree`-format lines on stdin.
    public static func makeTree(in repository: URL, entries: String) -> Command {
        command(["mktree"], in: repository, input: Data(entries.utf8))
    }

    public static func commitTree(_ tree: String, message: String, parents: [String] = [], in repository: URL) -> Command {
        command(["commit-tree", tree, "-m", message] + parents.flatMap { ["-p", $0] }, in: repository)
    }

    public static func updateRef(_ reference: String, to object: String, in repository: URL) -> Command {
        // The empty old value makes the update fail if the ref already exists: never overwrite a branch.
        command(["update-ref", reference, object, ""], in: repository)
    }
}
