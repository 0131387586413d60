import Foundation
import GatewayCore

/// Where an OpenClaw agent's workspace is: the folder given may be the OpenClaw home (`~/.openclaw`,
/// whose `openclaw.json` may name the workspace in `agents.defaults.workspace`, else its `workspace/`)
/// or the workspace itself; the oldest installs kept it at `~/clawd`.
public struct OpenClawHome: Sendable {
    public let folder: URL
    let home: URL

    public init(folder: URL, home: URL) {
        self.folder = folder
        self.home = home
    }

    static let workspaceMarkers = ["MEMORY.md", "HEARTBEAT.md", "SOUL.md", "AGENTS.md", "memory"]

    /// The workspace to import, with a note on how it was found.
    public func workspace() throws -> (url: URL, how: String) {
        if let named = try configuredWorkspace() { return (named, "named by \(configFile.path) (agents.defaults.workspace)") }
        let inside = folder.appendingPathComponent("workspace")
        if FileSystem.isDirectory(inside) { return (inside, "the workspace folder of \(folder.path)") }
        if Self.workspaceMarkers.contains(where: { FileSystem.exists(folder.appendingPathComponent($0)) }) {
            return (folder, "\(folder.path) itself")
        }
        let oldest = home.appendingPathComponent("clawd")
        if folder.standardizedFileURL == home.appendingPathComponent(".openclaw").standardizedFileURL, FileSystem.isDirectory(oldest) {
            return (oldest, "\(oldest.path), where early OpenClaw installs kept it")
        }
        throw GatewayError("no OpenClaw workspace found in \(folder.path): give the folder holding MEMORY.md and memory/ (`gw import openclaw DIR`)", exit: .usage)
    }

    public var configFile: URL { folder.appendingPathComponent("openclaw.json") }

    /// `agents.defaults.workspace` of openclaw.json, when the file names one.
    func configuredWorkspace() throws -> URL? {
        guard FileSystem.exists(configFile) else { return nil }
        let text = try FileSystem.readText(configFile)
        do {
            guard let path = try JSON5.parse(text)["agents"]?["defaults"]?["workspace"]?.string, !path.isEmpty else { return nil }
            let url = expand(path)
            return FileSystem.isDirectory(url) ? url : nil
        } catch {
            // The import names the file and its error; the workspace is then looked for by its usual places.
            return nil
        }
    }

    func expand(_ path: String) -> URL {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home.appendingPathComponent(String(path.dropFirst(2))) }
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
    }
}
