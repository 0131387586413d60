import Foundation

/// A town: a folder that is a git repo holding `gateway.toml`, `HEARTBEAT.md`, `formulas/`, the
/// Mayor's hook at `mayor/`, rigs, and runtime state under `.gateway/`.
public struct Town: Sendable, Equatable {
    public let root: URL

    public init(root: URL) {
        // One spelling per folder (no trailing slash, no symlinks), so the id and socket are stable.
        self.root = URL(fileURLWithPath: root.standardizedFileURL.resolvingSymlinksInPath().path, isDirectory: true)
    }

    public static func == (lhs: Town, rhs: Town) -> Bool { lhs.root.path == rhs.root.path }

    /// The town's settings file (`gateway.toml`).
    public static let configFileName = "gateway.toml"
    /// The folder in `.gateway/` holding the git that agents run (`AgentGit`); never searched for tools.
    public static let agentBinDirectoryName = "agent-bin"

    public var configFile: URL { root.appendingPathComponent(Self.configFileName) }
    public var heartbeatFile: URL { root.appendingPathComponent("HEARTBEAT.md") }
    public var formulasDirectory: URL { root.appendingPathComponent("formulas") }
    public var mayorDirectory: URL { root.appendingPathComponent("mayor") }
    public var runtimeDirectory: URL { root.appendingPathComponent(".gateway") }
    public var ledgerFile: URL { runtimeDirectory.appendingPathComponent("ledger.sqlite") }
    public var lockFile: URL { runtimeDirectory.appendingPathComponent("town.lock") }
    public var rigsFile: URL { root.appendingPathComponent("rigs.json") }

    /// A short id derived from the absolute path, stable across runs: names the tmux socket.
    public var id: String { StableHash.shortHex(root.path) }

    /// The town's private tmux socket name (`tmux -L gw-<id>`), so no town touches the user's tmux.
    public var tmuxSocket: String { "gw-\(id)" }

    public func rigDirectory(_ rig: String) -> URL { root.appendingPathComponent(rig) }
    public func rigRepository(_ rig: String) -> URL { rigDirectory(rig).appendingPathComponent(".repo.git") }
    public func crewDirectory(_ rig: String, _ crew: String) -> URL {
        rigDirectory(rig).appendingPathComponent("crew").appendingPathComponent(crew)
    }

    /// True when `directory` holds a town.
    public static func isTown(_ directory: URL) -> Bool {
        FileSystem.exists(directory.appendingPathComponent(configFileName))
            && FileSystem.isDirectory(directory.appendingPathComponent(".gateway"))
    }
}

/// Finds the town a command acts on: `--town DIR`, else `GW_TOWN`, else the nearest enclosing folder
/// that is a town.
public enum TownLocator {
    public static func locate(flag: String?, environment: GatewayEnvironment) throws -> Town {
        if let flag, !flag.isEmpty {
            return try explicit(environment.resolve(flag), source: "--town \(flag)")
        }
        if let variable = environment.variables["GW_TOWN"], !variable.isEmpty {
            return try explicit(environment.resolve(variable), source: "GW_TOWN=\(variable)")
        }
        var directory = environment.workingDirectory.standardizedFileURL
        while true {
            if Town.isTown(directory) { return Town(root: directory) }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        throw GatewayError(
            "not inside a Gateway town (looked in \(environment.workingDirectory.path) and every folder above it): "
                + "create one with `gw install ~/gt`, or name one with --town DIR or GW_TOWN")
    }

    private static func explicit(_ directory: URL, source: String) throws -> Town {
        guard Town.isTown(directory) else {
            throw GatewayError("\(directory.path) (from \(source)) is not a Gateway town: create one with `gw install \(directory.path)`")
        }
        return Town(root: directory)
    }
}
