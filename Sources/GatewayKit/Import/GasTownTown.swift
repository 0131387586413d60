import Foundation
import GatewayCore

/// A Gas Town town on disk, only ever read: its root holds `mayor/town.json`; `mayor/rigs.json` lists
/// the rigs; each rig `<rig>/` has a shared bare clone `.repo.git` and its crew as full clones under
/// `crew/<name>`; the town's own formulas are `.beads/formulas/NAME.formula.toml`.
public struct GasTownTown: Sendable {
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    /// Where Gas Town keeps a town unless told otherwise: `$GT_TOWN_ROOT` (its shell integration sets
    /// it), else `~/gt`, the folder `gt install` is shown with and Gas Town looks in first.
    public static func defaultFolder(home: URL, variables: [String: String]) -> URL {
        if let root = variables["GT_TOWN_ROOT"], root.hasPrefix("/") { return URL(fileURLWithPath: root) }
        return home.appendingPathComponent("gt")
    }

    public var marker: URL { folder.appendingPathComponent("mayor/town.json") }
    public var rigsFile: URL { folder.appendingPathComponent("mayor/rigs.json") }
    public var formulasFolder: URL { folder.appendingPathComponent(".beads/formulas") }
    func rigFolder(_ rig: String) -> URL { folder.appendingPathComponent(rig) }
    func bareClone(_ rig: String) -> URL { rigFolder(rig).appendingPathComponent(".repo.git") }
    func crewFolder(_ rig: String) -> URL { rigFolder(rig).appendingPathComponent("crew") }

    /// Refuses a folder that is no Gas Town town, with the fix.
    public func check() throws {
        guard FileSystem.exists(marker) else {
            throw GatewayError("\(folder.path) is not a Gas Town town (it has no mayor/town.json): give the town's root folder (`gw import gastown DIR`)", exit: .usage)
        }
    }

    /// The branch a git folder's HEAD names (`ref: refs/heads/NAME`), read from the file without
    /// running git; nil when HEAD is detached. Throws when it cannot be read.
    func headBranch(ofGitFolder gitFolder: URL) throws -> String? {
        let head = try ImportedFile.read(gitFolder.appendingPathComponent("HEAD"), within: folder, limit: 4096)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard head.hasPrefix("ref: refs/heads/") else { return nil }
        return String(head.dropFirst("ref: refs/heads/".count))
    }

    /// The default branch of a rig's bare clone, read from its HEAD file; nil when unknown.
    func defaultBranch(of rig: String) -> String? {
        guard let branch = try? headBranch(ofGitFolder: bareClone(rig)), (try? Names.validateBranch(branch)) != nil else { return nil }
        return branch
    }

    /// The folders under `<rig>/crew/` that are git clones, by name, sorted.
    func crewFolders(of rig: String) throws -> [(name: String, url: URL)] {
        let directory = crewFolder(rig)
        guard FileSystem.isDirectory(directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .map { ($0, directory.appendingPathComponent($0)) }
            .filter { FileSystem.exists($0.1.appendingPathComponent(".git")) }
    }

    /// The town's formula files, sorted: Gas Town names them `NAME.formula.toml` (or `.formula.json`).
    func formulaFiles() throws -> [URL] {
        guard FileSystem.isDirectory(formulasFolder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: formulasFolder.path).sorted()
            .filter { $0.hasSuffix(".formula.toml") || $0.hasSuffix(".formula.json") }
            .map { formulasFolder.appendingPathComponent($0) }
    }
}
