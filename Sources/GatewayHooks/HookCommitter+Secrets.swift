import Foundation
import GatewayCore

/// A file holding one of Gateway's secrets, left out of a hook commit.
public struct WithheldFile: Sendable, Equatable, Codable {
    public var path: String
    /// The secret's variable or config key — never its value.
    public var secret: String
}

extension HookCommitter {
    /// Unstages every staged file that holds the value of one of Gateway's secrets, so the commit (and
    /// any push of the hook) goes without it; the file itself stays in the worktree, uncommitted, and a
    /// warning names it and the secret. An agent can write anything into its hook — a token it read
    /// somewhere, or what a prompt injected into it asked for.
    func unstageSecrets() async throws -> [WithheldFile] {
        let needles = secrets.needles
        guard !needles.isEmpty else { return [] }
        let staged = try await runRetryingWhileLocked(Git.stagedPaths(in: worktree))
        let paths = staged.stdout.split(separator: "\0").map(String.init)
        guard staged.succeeded, !paths.isEmpty else { return [] }
        // git grep reads a pattern line by line: a secret spanning lines is searched by its longest.
        let searched = needles.compactMap { needle -> (secret: GatewaySecrets.Secret, text: String)? in
            let lines: [Substring] = needle.text.split(separator: "\n")
            let text = lines.max { $0.count < $1.count }.map(String.init) ?? needle.text
            return text.count >= GatewaySecrets.minimumSearchedLength ? (needle.secret, text) : nil
        }
        // One search for all of them; which file holds which is asked only when one holds any.
        let holding = try await filesContaining(searched.map(\.text), among: paths)
        guard !holding.isEmpty else { return [] }
        var withheld: [WithheldFile] = []
        for needle in searched {
            var found = holding
            if searched.count > 1 { found = try await filesContaining([needle.text], among: holding) }
            for path in found where !withheld.contains(where: { $0.path == path }) {
                withheld.append(WithheldFile(path: path, secret: needle.secret.label))
            }
        }
        guard !withheld.isEmpty else { return [] }
        let unstaged = try await runRetryingWhileLocked(Git.unstage(withheld.map(\.path), in: worktree))
        guard unstaged.succeeded else { throw GatewayError("taking secret-holding files out of the hook commit in \(worktree.path) failed: \(unstaged.stderr)") }
        for file in withheld {
            environment.logger.warning("\(file.path) in the hook \(worktree.path) is left out of Gateway's commit: it holds the value of \(file.secret), one of Gateway's secrets. Remove the secret from the file (it stays uncommitted until then).")
        }
        return withheld
    }

    /// Which of `paths` hold any of `texts` as staged.
    private func filesContaining(_ texts: [String], among paths: [String]) async throws -> [String] {
        guard !texts.isEmpty, !paths.isEmpty else { return [] }
        let found = try await runRetryingWhileLocked(Git.stagedFilesContaining(texts, paths: paths, in: worktree))
        // Exit 1: no file holds any.
        guard found.status != 1 else { return [] }
        guard found.succeeded else { throw GatewayError("searching the hook \(worktree.path) for secrets failed: \(found.stderr)") }
        return found.stdout.split(separator: "\0").map(String.init)
    }
}
