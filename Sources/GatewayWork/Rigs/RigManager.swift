import Foundation
import GatewayCore

/// A rig with what is known about it on disk.
public struct RigInfo: Sendable, Equatable, Codable {
    public var name: String
    public var source: String
    public var defaultBranch: String
    public var path: String
    public var crew: [CrewInfo]
}

/// A crew member's worktree.
public struct CrewInfo: Sendable, Equatable, Codable {
    public var name: String
    public var rig: String
    public var branch: String
    public var path: String
}

/// Adds, lists and removes rigs: a shared bare clone at `<town>/<rig>/.repo.git` plus worktrees.
public struct RigManager: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    var registry: RigRegistry { RigRegistry(town: town) }

    /// `reference`: another clone of the same project on this machine to borrow objects from, saving
    /// the download; the rig keeps none of it afterwards (see `Git.cloneBare(_:into:reference:)`).
    public func add(name: String, source: String, reference: URL? = nil) async throws -> RigInfo {
        try Names.validate(name, kind: "rig")
        let git = environment.git
        try await git.requireSupportedVersion()
        // A local path is cloned by its absolute path, so a relative one works from any folder.
        let resolvedSource = Self.isURL(source) ? source : environment.resolve(source).path
        if !Self.isURL(source), !FileSystem.exists(URL(fileURLWithPath: resolvedSource)) {
            throw GatewayError("\(resolvedSource) does not exist: give a git URL or the path of a git repository")
        }
        let record: RigRecord = try await FileLock.withLockAsync(town.lockFile) {
            let rigs = try registry.load()
            if rigs.contains(where: { $0.name == name }) {
                throw GatewayError("a rig named \(name) already exists: pick another name, or remove it first with `gw rig remove \(name)`")
            }
            let directory = town.rigDirectory(name)
            if FileSystem.exists(directory) {
                throw GatewayError("\(directory.path) already exists and is not a rig: move it away or pick another name")
            }
            let repository = town.rigRepository(name)
            do {
                try await clone(resolvedSource, into: repository, reference: reference)
            } catch {
                try? FileManager.default.removeItem(at: directory)
                throw GatewayError(RigURL.redacting(error.userMessage, credentialsOf: resolvedSource))
            }
            let head = (try? await git.run(Git.symbolicHead(in: repository))) ?? ""
            let branch = head.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "refs/heads/", with: "")
            let record = RigRecord(name: name, source: RigURL.redacted(resolvedSource), defaultBranch: branch.isEmpty ? "main" : branch, added: environment.clock.now())
            try registry.save(rigs + [record])
            try await commitRegistry("Add rig \(name)")
            return record
        }
        return RigInfo(name: record.name, source: record.source, defaultBranch: record.defaultBranch,
                       path: town.rigDirectory(name).path, crew: [])
    }

    /// Clones `source` as a bare repository with remote-tracking refs. The URL is used as given (its
    /// credentials included: git's credential helper, when one is configured, keeps them), then
    /// `remote.origin.url` is set to the URL without them, so the clone's config holds no secret.
    func clone(_ source: String, into repository: URL, reference: URL? = nil) async throws {
        let git = environment.git
        let shown = RigURL.redacted(source)
        let command = reference.map { Git.cloneBare(source, into: repository, reference: $0) } ?? Git.cloneBare(source, into: repository)
        try await git.run(command, what: "cloning \(shown)")
        // A bare clone maps branches 1:1 and keeps no remote-tracking refs; add them, so that
        // "unpushed work" can be told apart from what origin already has.
        try await git.run(Git.config("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*", in: repository))
        try await git.run(Git.fetch(in: repository), what: "fetching \(shown)")
        try await git.run(Git.config("remote.origin.url", RigURL.withoutCredentials(source), in: repository))
        try await git.ensureIdentity(in: repository)
    }

    public func list() throws -> [RigInfo] {
        try registry.load().map { record in
            // Redacted again: a rigs.json written before credentials were stripped may still hold them.
            RigInfo(name: record.name, source: RigURL.redacted(record.source), defaultBranch: record.defaultBranch,
                    path: town.rigDirectory(record.name).path,
                    crew: CrewManager(environment: environment, town: town).members(of: record.name))
        }
    }

    public func record(_ name: String) throws -> RigRecord {
        guard let record = try registry.load().first(where: { $0.name == name }) else {
            let known = (try? registry.load().map(\.name)) ?? []
            let hint = known.isEmpty ? "add one with `gw rig add NAME SOURCE`" : "known rigs: \(known.joined(separator: ", "))"
            throw GatewayError("no rig named \(name): \(hint)")
        }
        return record
    }

    /// Removes a rig and its worktrees; refuses while any worktree holds work that exists nowhere else.
    public func remove(name: String, force: Bool) async throws {
        _ = try record(name)
        let worktrees = WorktreeSafety(environment: environment, town: town)
        let paths = worktrees.worktrees(ofRig: name)
        if !force {
            var problems: [String] = []
            for path in paths { problems += try await worktrees.unsavedWork(at: path, rig: name) }
            if !problems.isEmpty {
                throw GatewayError("rig \(name) has work that would be lost:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
                                   + "\ncommit and push it, or remove anyway with `gw rig remove \(name) --force`")
            }
        }
        try await FileLock.withLockAsync(town.lockFile) {
            try FileManager.default.removeItem(at: town.rigDirectory(name))
            try registry.save(try registry.load().filter { $0.name != name })
            try await commitRegistry("Remove rig \(name)")
        }
    }

    /// Called with the town lock held, so two commands never race on the town repo's index.
    private func commitRegistry(_ message: String) async throws {
        let git = environment.git
        try await git.run(Git.add(["rigs.json"], in: town.root))
        try await git.run(Git.commit(message: message, paths: ["rigs.json"], allowEmpty: true, in: town.root))
    }

    static func isURL(_ source: String) -> Bool {
        source.contains("://") || (source.contains("@") && source.contains(":") && !source.hasPrefix("/"))
    }
}
