import Foundation
import GRDB
import GatewayCore
import GatewayAgents

/// A polecat: a temporary worker that one slung task runs on — its own worktree of a rig, its own agent
/// in tmux, its own hook. Queued slings are rows too (no name yet) until a slot frees.
public struct Polecat: Codable, Sendable, Equatable, FetchableRecord {
    public enum State: String, Codable, Sendable {
        case queued, working, done, failed

        public var hasEnded: Bool { self == .done || self == .failed }
    }

    public var id: Int64
    /// From the themed pool; nil while the sling waits for a slot.
    public var name: String?
    public var rig: String
    /// A short title: the first line of the task, or the formula's name.
    public var title: String
    /// The prompt the agent gets.
    public var task: String
    /// The agent profile it runs.
    public var profile: String
    public var branch: String?
    public var worktree: String?
    /// The agent's name in the ledger and tmux (`polecat-<name>`), the hook's name too.
    public var agent: String?
    public var state: State
    public var convoyId: Int64
    public var turnId: Int64?
    public var createdAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var error: String?
    /// The hook commit holding the result (or the last screen of a failed polecat).
    public var resultCommit: String?
    /// Commits made on its branch beyond the rig's default branch, one `hash subject` line each.
    public var commits: String?

    public static let databaseDateDecodingStrategy = DatabaseDateDecodingStrategy.timeIntervalSince1970
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// The name to show: the polecat's, or `queued #id`.
    public var displayName: String { name ?? "queued #\(id)" }
}

/// Polecat names: a small themed pool, each reused only when no live polecat or kept worktree holds it.
public enum PolecatNames {
    public static let pool = ["furiosa", "nux", "slit", "capable", "toast", "dag", "ace", "cheedo", "keeper", "valkyrie"]
    /// Polecat agents are named `polecat-<name>`: their tmux session, ledger rows and hook.
    public static let agentPrefix = "polecat-"

    public static func agent(for name: String) -> String { agentPrefix + name }

    /// The polecat's name in an agent's name (`polecat-furiosa` → `furiosa`), or nil for another agent.
    public static func name(ofAgent agent: String) -> String? {
        agent.hasPrefix(agentPrefix) ? String(agent.dropFirst(agentPrefix.count)) : nil
    }

    /// The first pool name not taken; when all are, the first name with the lowest free number.
    static func allocate(taken: Set<String>) -> String {
        if let free = pool.first(where: { !taken.contains($0) }) { return free }
        var number = 2
        while true {
            if let free = pool.map({ "\($0)-\(number)" }).first(where: { !taken.contains($0) }) { return free }
            number += 1
        }
    }
}

extension Town {
    public func polecatsDirectory(_ rig: String) -> URL { rigDirectory(rig).appendingPathComponent("polecats") }
    public func polecatDirectory(_ rig: String, _ name: String) -> URL { polecatsDirectory(rig).appendingPathComponent(name) }
    /// Held while polecats are started, finished or counted, so the cap holds across processes.
    var polecatsLock: URL { runtimeDirectory.appendingPathComponent("polecats.lock") }
}

/// `[polecats]` in gateway.toml.
public struct PolecatSettings: Sendable, Equatable {
    /// How many polecats may work at once; further slings queue.
    public var max: Int = 4
    /// The agent profile polecats run; empty: the Mayor's.
    public var agent: String = ""

    public init() {}

    package init(_ table: TableReader) {
        max = table.integer("max", default: max, range: 1...64)
        agent = table.string("agent", default: agent)
        table.finish()
    }
}

extension AgentRuntime {
    /// A polecat: agent `polecat-<name>` working in its worktree of a rig, with the profile given.
    public static func polecat(environment: GatewayEnvironment, town: Town, settings: AgentSettings, name: String,
                               profile: String, worktree: URL) -> AgentRuntime {
        AgentRuntime(environment: environment, town: town, settings: settings, name: PolecatNames.agent(for: name),
                     profile: settings.profile(profile), directory: worktree)
    }
}
