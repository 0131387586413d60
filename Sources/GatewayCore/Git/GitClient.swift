import Foundation

/// Runs git through the environment's process runner, with checks and readable errors.
public struct GitClient: Sendable {
    public static let minimumVersion = (major: 2, minor: 25)

    let runner: any ProcessRunning

    public init(runner: any ProcessRunning) { self.runner = runner }

    /// Fails with a clear message when git is missing or older than the worktree features need.
    public func requireSupportedVersion() async throws {
        let result: ProcessResult
        do {
            result = try await runner.run(Git.version())
        } catch {
            throw GatewayError("git is not installed or not on PATH: install it (apt-get install git, or xcode-select --install on macOS)")
        }
        guard let version = Self.parseVersion(result.stdout) else {
            throw GatewayError("could not read git's version from \"\(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\"")
        }
        let minimum = Self.minimumVersion
        if version.major < minimum.major || (version.major == minimum.major && version.minor < minimum.minor) {
            throw GatewayError("git \(version.major).\(version.minor) is too old: Gateway needs git \(minimum.major).\(minimum.minor) or newer")
        }
    }

    static func parseVersion(_ text: String) -> (major: Int, minor: Int)? {
        // "git version 2.39.5" or "git version 2.39.3 (Apple Git-146)"
        guard let token = text.split(separator: " ").first(where: { $0.first?.isNumber == true }) else { return nil }
        let numbers = token.split(separator: ".").compactMap { Int($0) }
        guard numbers.count >= 2 else { return nil }
        return (numbers[0], numbers[1])
    }

    @discardableResult
    public func run(_ command: Command, what: String? = nil) async throws -> String {
        try await runner.check(command, what: what).stdout
    }

    public func succeeds(_ command: Command) async -> Bool {
        (try? await runner.run(command).succeeded) ?? false
    }

    /// Makes sure commits can be made in `repository` on a machine with no git identity: when none is
    /// configured, the repository gets a local one, so the user's own settings always win elsewhere.
    public func ensureIdentity(in repository: URL) async throws {
        if await succeeds(Git.getConfig("user.email", in: repository)) { return }
        try await run(Git.config("user.name", "Gateway", in: repository))
        try await run(Git.config("user.email", "gateway@localhost", in: repository))
    }

    /// Creates a branch with no history holding `files` (paths may contain folders), without touching
    /// any worktree: the way a hook branch (`hooks/mayor`) starts.
    public func createOrphanBranch(_ branch: String, files: [String: String], message: String, in repository: URL) async throws {
        let tree = try await makeTree(files, in: repository)
        let commit = try await run(Git.commitTree(tree, message: message, in: repository))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await run(Git.updateRef("refs/heads/\(branch)", to: commit, in: repository), what: "creating branch \(branch)")
    }

    /// Writes blobs and trees for `files` and returns the root tree's id.
    private func makeTree(_ files: [String: String], in repository: URL) async throws -> String {
        var blobs: [String: String] = [:]
        var folders: [String: [String: String]] = [:]
        for (path, content) in files {
            if let slash = path.firstIndex(of: "/") {
                folders[String(path[..<slash]), default: [:]][String(path[path.index(after: slash)...])] = content
            } else {
                blobs[path] = content
            }
        }
        var entries: [String] = []
        for (name, content) in blobs.sorted(by: { $0.key < $1.key }) {
            let blob = try await run(Git.hashObject(in: repository, input: Data(content.utf8)))
            entries.append("100644 blob \(blob.trimmingCharacters(in: .whitespacesAndNewlines))\t\(name)")
        }
        for (name, inner) in folders.sorted(by: { $0.key < $1.key }) {
            entries.append("040000 tree \(try await makeTree(inner, in: repository))\t\(name)")
        }
        return try await run(Git.makeTree(in: repository, entries: entries.joined(separator: "\n") + "\n"))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Lines of `git status --porcelain`: empty when the worktree is clean.
    public func uncommittedChanges(in worktree: URL) async throws -> [String] {
        try await run(Git.statusPorcelain(in: worktree)).split(separator: "\n").map(String.init)
    }

    public func unpushedCommits(branch: String, in repository: URL) async throws -> Int {
        Int(try await run(Git.unpushedCount(branch: branch, in: repository)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
