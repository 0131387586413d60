import Foundation
import GatewayCore
import GatewayHooks

/// The hooks' git repositories and the locks left in them or in `.gateway/`.
extension Doctor {
    /// Each checked-out hook: `git fsck` (objects and refs sound) in its worktree.
    func hookFindings() async -> [DoctorFinding] {
        let hooks: [HookSummary]
        do {
            hooks = try await HookStore(environment: environment, town: town).list()
        } catch {
            return [DoctorFinding("hooks", .problem, "the town's hook branches cannot be listed: \(error.userMessage)",
                                  fix: "`git -C \(quoted(town.root)) fsck` shows what is wrong with the town's repository")]
        }
        var findings: [DoctorFinding] = []
        for hook in hooks {
            let name = "hook \(hook.agent)"
            guard let path = hook.path else {
                findings.append(.ok(name, "branch \(hook.branch), not checked out"))
                continue
            }
            let worktree = URL(fileURLWithPath: path)
            do {
                let result = try await environment.processes.run(Command("git", ["fsck", "--no-progress", "--no-dangling"], in: worktree))
                if result.succeeded {
                    findings.append(.ok(name, "\(path): git fsck clean"))
                } else {
                    let reason = (result.stderr + result.stdout).split(separator: "\n").prefix(3).joined(separator: "; ")
                    findings.append(DoctorFinding(name, .problem, "git fsck in \(path) failed: \(reason)",
                                                  fix: "`git -C \(quoted(worktree)) fsck --full` lists the damage; the hook's commits may be recovered from a clone or `[hooks] remote`"))
                }
            } catch {
                findings.append(DoctorFinding(name, .problem, "git fsck could not run in \(path): \(error.userMessage)", fix: "check that git is installed and on PATH"))
            }
        }
        return findings
    }

    /// Locks whose holder is gone. Gateway's own locks are flocks, which the kernel drops with their
    /// holder, so their files are never stale; what can be is git's `*.lock` files (a git killed
    /// mid-write leaves `index.lock`, and every later commit in that repository fails) and a daemon
    /// pid file naming a process that no longer runs.
    func lockFindings() async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for lock in await staleGitLocks() {
            let age = environment.clock.now().timeIntervalSince(lock.modified)
            findings.append(DoctorFinding("locks", .problem,
                "\(lock.file.path) was left by a git process that is gone (untouched for \(Self.duration(age))): every commit there fails until it is removed",
                fix: "`rm \(quoted(lock.file))`"))
        }
        if let pid = DaemonPidFile.recordedPid(town), !DaemonPidFile.processExists(pid) {
            findings.append(DoctorFinding("locks", .warning,
                "\(DaemonPidFile.url(town).path) names pid \(pid), which no longer runs: a daemon that died without cleaning up (its lock was released with it)",
                fix: "`rm \(quoted(DaemonPidFile.url(town)))`, or `gw daemon start`, which replaces it"))
        }
        return findings.isEmpty ? [.ok("locks", "no stale lock")] : findings
    }

    /// How long a git lock must stand untouched before it counts as abandoned: git holds one for the
    /// milliseconds of a write, and Gateway's commits queue on the hook's flock rather than wait on git's.
    static let gitLockAge: TimeInterval = 600

    /// git's lock files in the town's repository and every worktree's git folder, older than `gitLockAge`.
    func staleGitLocks() async -> [(file: URL, modified: Date)] {
        guard let common = try? await environment.git.run(Command("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], in: town.root))
            .trimmingCharacters(in: .whitespacesAndNewlines), !common.isEmpty else { return [] }
        let gitDirectory = URL(fileURLWithPath: common)
        var folders = [gitDirectory]
        let worktrees = gitDirectory.appendingPathComponent("worktrees")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: worktrees.path)) ?? [] {
            folders.append(worktrees.appendingPathComponent(name))
        }
        let now = environment.clock.now()
        return folders.flatMap { folder -> [(file: URL, modified: Date)] in
            ["index.lock", "HEAD.lock", "config.lock", "packed-refs.lock"].compactMap { name in
                let file = folder.appendingPathComponent(name)
                guard let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date,
                      now.timeIntervalSince(modified) > Self.gitLockAge else { return nil }
                return (file, modified)
            }
        }
    }
}
