import Foundation
import GatewayCore
import GatewayHooks

/// Keeps `memory/` short: daily logs of months before the previous one move into monthly folders
/// (`memory/2026-09/2026-09-14.md`) without a byte changed, in one commit of the Mayor's hook. Search
/// still finds them (the index covers every file below memory/); nothing is ever deleted.
package struct MemoryArchive {
    let environment: GatewayEnvironment
    let town: Town
    let config: MemoryConfig

    package init(environment: GatewayEnvironment, town: Town, config: MemoryConfig) {
        self.environment = environment
        self.town = town
        self.config = config
    }

    /// Archives what is due as of `today` (YYYY-MM-DD); returns the new paths.
    @discardableResult
    package func archive(today: String) async throws -> [String] {
        let keepFrom = Self.previousMonth(of: String(today.prefix(7)))
        let folder = town.mayorDirectory.appendingPathComponent("memory")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        let due = names.filter { Self.isDailyLog($0) && String($0.prefix(7)) < keepFrom }
        guard !due.isEmpty else { return [] }
        let store = HookStore(environment: environment, town: town, agents: config.agents)
        _ = try await store.write(Hook.mayor, message: "Archive \(due.count) daily log\(due.count == 1 ? "" : "s") into monthly folders") { worktree in
            var paths: [String] = []
            for name in due {
                let month = String(name.prefix(7))
                let source = worktree.appendingPathComponent("memory/\(name)")
                let target = worktree.appendingPathComponent("memory/\(month)/\(name)")
                // Never overwrite: a file already archived under that name stays where it is.
                guard FileSystem.exists(source), !FileSystem.exists(target) else { continue }
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.moveItem(at: source, to: target)
                paths += ["memory/\(name)", "memory/\(month)/\(name)"]
            }
            return paths
        }
        let moved = due.map { "memory/\($0.prefix(7))/\($0)" }
        environment.logger.info("archived \(moved.count) daily logs into monthly folders")
        return moved
    }

    static func isDailyLog(_ name: String) -> Bool {
        name.range(of: #"^\d{4}-\d{2}-\d{2}\.md$"#, options: .regularExpression) != nil
    }

    /// "2026-01" → "2025-12".
    static func previousMonth(of month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        let (year, number) = parts[1] == 1 ? (parts[0] - 1, 12) : (parts[0], parts[1] - 1)
        return String(format: "%04d-%02d", year, number)
    }
}
