import Foundation
import GatewayCore

/// The `git` an agent finds first on its PATH.
///
/// git never waits for a lock: a `git commit` that finds the worktree's `index.lock` taken fails at
/// once. Gateway commits in the hook worktree the agent works in (the Mayor's is its folder), so
/// without help an agent's commit could fail because Gateway's was holding that lock for a few
/// milliseconds. This script, placed before the real git on every agent's PATH, runs git under the
/// hook's flock — the one Gateway's writers hold — whenever git is about to work inside one of the
/// town's hook worktrees. The agent's git then waits those milliseconds instead of failing. Outside
/// hooks it is plain git, with one shell start as its only cost.
public struct AgentGit: Sendable {
    /// The folder name under `.gateway/`; Gateway's own program lookups skip it (see `ExecutableLookup`).
    public static let directoryName = Town.agentBinDirectoryName
    /// How long the agent's git waits for the hook's lock before running anyway (and then, at worst,
    /// meeting the lock git itself reports).
    public static let lockWaitSeconds = 300

    public let town: Town

    public init(town: Town) { self.town = town }

    public var directory: URL { town.runtimeDirectory.appendingPathComponent(Self.directoryName) }
    public var script: URL { directory.appendingPathComponent("git") }

    /// `path` with the script's folder in front.
    public func path(prepending path: String?) -> String {
        [directory.path, path].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
    }

    /// Writes the script (only when its text changed, so running agents never see it half-written).
    /// `realGit` is the git it hands over to; `flock` is flock(1) when the machine has it, else the
    /// script takes the lock through `gw hook lock-exec` (macOS ships no flock).
    public func install(realGit: String, flock: String?, gatewayExecutable: String) throws {
        let text = Self.scriptText(town: town, realGit: realGit, flock: flock, gatewayExecutable: gatewayExecutable)
        if let existing = try? String(contentsOf: script, encoding: .utf8), existing == text { return }
        try FileSystem.writeAtomically(text, to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    }

    /// Installs the script for an agent of `environment`'s machine: the real git and flock are looked
    /// up on its PATH.
    public func install(environment: GatewayEnvironment) throws {
        let path = environment.variables["PATH"]
        guard let git = ExecutableLookup.find("git", path: path) else {
            throw GatewayError("git is not installed or not on PATH: agents need it for their hooks (install git)")
        }
        try install(realGit: git, flock: ExecutableLookup.find("flock", path: path), gatewayExecutable: environment.executablePath)
    }

    static func scriptText(town: Town, realGit: String, flock: String?, gatewayExecutable: String) -> String {
        let q = ShellQuote.word
        let runLocked = flock.map { flock in
            """
            # -o: git's own children (a detached `gc --auto`) do not keep the lock once git exits. flock's
            # timeout status is 75 (EX_TEMPFAIL), which git never uses: git then runs unlocked.
            \(q(flock)) -o -w \(lockWaitSeconds) -E 75 "$lock" "$real_git" "$@"
            status=$?
            [ "$status" -eq 75 ] || exit "$status"
            exec "$real_git" "$@"
            """
        } ?? """
            exec \(q(gatewayExecutable)) hook lock-exec --lock "$lock" --wait \(lockWaitSeconds) -- "$real_git" "$@"
            """
        // `pwd -P` names folders without symlinks; so must the town (macOS: /var is /private/var).
        let physicalTown = realpath(town.root.path, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? town.root.path
        return """
            #!/bin/sh
            # Written by Gateway for the agents of the town below; rewritten when an agent starts.
            # Inside one of the town's hook worktrees, git first takes that hook's lock — the one Gateway
            # holds while it commits there — so an agent's git waits for Gateway's commit instead of
            # failing on index.lock. Everywhere else this is plain git.
            real_git=\(q(realGit))
            town=\(q(physicalTown))
            dir=.
            pending=
            # The folder git will work in: the current one, moved by any leading -C options.
            for arg in "$@"; do
              case $pending in
                C) case $arg in /*) dir=$arg ;; *) dir=$dir/$arg ;; esac; pending=; continue ;;
                skip) pending=; continue ;;
              esac
              case $arg in
                -C) pending=C ;;
                -c|--git-dir|--work-tree|--namespace|--exec-path|--super-prefix|--config-env) pending=skip ;;
                -*) ;;
                *) break ;;
              esac
            done
            here=$(cd "$dir" 2>/dev/null && pwd -P) || exec "$real_git" "$@"
            case "$here/" in
              "$town/mayor/"*) hook=mayor ;;
              "$town/.gateway/hooks/"*) hook=${here#"$town/.gateway/hooks/"}; hook=${hook%%/*} ;;
              *) exec "$real_git" "$@" ;;
            esac
            state="$town/.gateway/hook-state"
            [ -d "$state" ] || mkdir -p "$state" || exec "$real_git" "$@"
            lock="$state/$hook.lock"
            \(runLocked)

            """
    }

    /// The line that puts the agents' git first on PATH in Claude Code's Bash commands.
    public var exportLine: String { "export PATH=\(ShellQuote.word(directory.path)):\"$PATH\"" }

    /// Claude Code's Bash tool builds its PATH from a snapshot of the user's login shell, not from the
    /// environment Gateway starts it with; what a SessionStart hook appends to `$CLAUDE_ENV_FILE` runs
    /// before each command. Appends the PATH line once per session file; false when there is no file.
    @discardableResult
    public func exportToClaudeSession(envFile: String?) throws -> Bool {
        guard let envFile, !envFile.isEmpty else { return false }
        let url = URL(fileURLWithPath: envFile)
        let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        if existing.split(separator: "\n").contains(Substring(exportLine)) { return true }
        let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        try FileSystem.append(separator + exportLine + "\n", to: url)
        return true
    }
}
