import Foundation
import GatewayCore
import GatewayNotify
import GatewayHooks
import GatewayWork

/// Makes a town: a git repo with the default files, the ledger and the Mayor's hook worktree.
public struct TownInstaller: Sendable {
    public enum Outcome: Sendable, Equatable {
        case created(Town)
        case alreadyInstalled(Town)
    }

    let environment: GatewayEnvironment

    public init(environment: GatewayEnvironment) { self.environment = environment }

    public func install(at directory: URL, name: String?, force: Bool) async throws -> Outcome {
        let git = environment.git
        try await git.requireSupportedVersion()
        if Town.isTown(directory) { return .alreadyInstalled(Town(root: directory)) }
        try TownPath.check(Town(root: directory).root)
        try refuseForeignFiles(in: directory, force: force)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let town = Town(root: directory)
        let townName = name ?? town.root.lastPathComponent

        let isRepository = FileSystem.exists(town.root.appendingPathComponent(".git"))
        if !isRepository { try await git.run(Git.initRepository(town.root)) }
        try await git.ensureIdentity(in: town.root)

        try FileManager.default.createDirectory(at: town.formulasDirectory, withIntermediateDirectories: true)
        try FileSystem.makePrivateDirectory(town.runtimeDirectory)
        try writeIfAbsent(TownTemplates.gatewayToml(name: townName), town.configFile)
        try writeIfAbsent(TownTemplates.heartbeat, town.heartbeatFile)
        try writeIfAbsent(TownTemplates.formulasNote, town.formulasDirectory.appendingPathComponent("README.md"))
        try appendIgnoreRules(town.root.appendingPathComponent(".gitignore"))
        // A town whose `.gateway/` was deleted is installed again over its files: its rigs stay recorded.
        if !FileSystem.exists(town.rigsFile) { try RigRegistry(town: town).save([]) }

        // Only Gateway's own files go into its commit: what the user has staged stays staged, uncommitted.
        let ownFiles = [".gitignore", GatewayConfig.fileName, "HEARTBEAT.md", "formulas", "rigs.json"]
        try await git.run(Git.add(ownFiles, in: town.root))
        try await git.run(Git.commit(message: "Install Gateway town \(townName)", paths: ownFiles, allowEmpty: true, in: town.root))

        try await HookBranches(environment: environment, town: town).createMayorHook()
        // Opening the ledger creates it and runs its migrations, so a new town starts complete.
        _ = try Ledger(file: town.ledgerFile)
        try TownPrivacy.secure(town)
        return .created(town)
    }

    private func refuseForeignFiles(in directory: URL, force: Bool) throws {
        guard FileSystem.exists(directory) else { return }
        guard FileSystem.isDirectory(directory) else {
            throw GatewayError("\(directory.path) is a file, not a folder: choose another place for the town")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let foreign = entries.filter { $0 != ".git" }.sorted()
        if !foreign.isEmpty && !force {
            let shown = foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", …" : "")
            throw GatewayError("\(directory.path) already holds files (\(shown)): choose an empty folder, or keep them and add the town beside them with `gw install \(directory.path) --force`")
        }
    }

    private func writeIfAbsent(_ text: String, _ url: URL) throws {
        if FileSystem.exists(url) { return }
        try FileSystem.writeAtomically(text, to: url)
    }

    private func appendIgnoreRules(_ url: URL) throws {
        let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        if existing.contains("/.gateway/") { return }
        let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        try FileSystem.writeAtomically(existing + separator + TownTemplates.gitignore, to: url)
    }
}
