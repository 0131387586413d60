import Foundation
import GatewayCore

/// One crew member of a Gas Town rig — a full clone at `<rig>/crew/<name>` — as the import found it:
/// its branch, the ref that records that branch on the clone's remote, and the work that exists only
/// in the clone.
struct GasTownCrew: Sendable {
    var rig: String
    var name: String
    var folder: URL
    var branch: String
    /// `refs/remotes/origin/BRANCH` when the clone has it: the branch as it was last pushed or fetched.
    var pushed: String?
    /// Commits not on the remote, uncommitted changes, untracked files: each a phrase, none when clean.
    var unpushed: [String]
}

/// Reads a crew clone. Its name and branch are checked from the files alone first; only then does git
/// run in it, and only read-only: no index refresh, no file-system monitor, nothing the clone's own
/// config could turn into a command of its choosing.
struct GasTownCrewReader {
    let environment: GatewayEnvironment
    let source: GasTownTown

    /// The crew, or why it is skipped.
    func read(rig: String, name: String, folder: URL) async -> Result<GasTownCrew, GatewayError> {
        guard (try? Names.validate(name, kind: "crew")) != nil else {
            return .failure(GatewayError("is not a crew name Gateway can use: letters, digits, - and _ (at most 64, starting with a letter or digit)"))
        }
        let gitFolder = folder.appendingPathComponent(".git")
        guard FileSystem.isDirectory(gitFolder) else {
            return .failure(GatewayError("is not a full clone (its .git is not a folder), so there is no branch of its own to carry over"))
        }
        let branch: String
        do {
            guard let named = try source.headBranch(ofGitFolder: gitFolder) else {
                return .failure(GatewayError("has a detached HEAD, so no branch to carry over; its work stays where it is"))
            }
            branch = named
        } catch {
            return .failure(GatewayError(".git/HEAD \(error.userMessage)"))
        }
        guard (try? Names.validateBranch(branch)) != nil else {
            return .failure(GatewayError(".git/HEAD names the branch \"\(ImportedFile.shown(branch))\", which is not a branch name Gateway takes over: letters, digits, -, _, . and / in the shape git accepts"))
        }
        let git = environment.git
        let tracking = "refs/remotes/origin/\(branch)"
        let pushed = await git.succeeds(Git.revParse(tracking, in: folder)) ? tracking : nil
        var unpushed: [String] = []
        do {
            if await git.succeeds(Git.revParse("refs/heads/\(branch)", in: folder)) {
                let count = Int(try await git.run(Git.unpushedCount(of: "refs/heads/\(branch)", in: folder)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                if count > 0 { unpushed.append("\(count) commit\(count == 1 ? "" : "s") on \(branch) not on its remote") }
            }
            let status = try await git.run(Git.statusReadOnly(in: folder)).split(separator: "\n")
            let untracked = status.filter { $0.hasPrefix("??") }.count
            let changed = status.count - untracked
            if changed > 0 { unpushed.append("\(changed) uncommitted change\(changed == 1 ? "" : "s")") }
            if untracked > 0 { unpushed.append("\(untracked) untracked file\(untracked == 1 ? "" : "s")") }
        } catch {
            return .failure(GatewayError("could not be read with git: \(error.userMessage)"))
        }
        return .success(GasTownCrew(rig: rig, name: name, folder: folder, branch: branch, pushed: pushed, unpushed: unpushed))
    }
}
