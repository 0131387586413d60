import Foundation
import GatewayAgents
import GatewayCore
import GatewayUsage
import GatewayHeartbeat
import GatewayHooks
import GatewayMemory
import GatewayNotify
import GatewayWork

// Each feature takes only its own settings section; these build them from the whole `GatewayConfig`,
// the way Gateway's commands and daemon use them.

extension HookStore {
    /// The store as Gateway's commands use it: the config's hook settings, and its secrets as this
    /// process sees them, kept out of every commit.
    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.init(environment: environment, town: town, settings: config.hooks,
                  secrets: config.secrets(variables: environment.variables, root: town.root))
    }
}

extension AgentNotify {
    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.init(environment: environment, town: town, settings: config.notify, limits: config.mcp)
    }
}

extension GatewayConfig {
    /// What running agents needs: the Mayor's section, the profiles, hooks, Gateway's secrets and
    /// the targets that hear of an agent's trouble.
    public var agentSettings: AgentSettings {
        var settings = AgentSettings(mayor: mayor, profiles: agents, hooks: hooks, secretReferences: secretReferences,
                                     alertTargets: heartbeat.urgentTargets)
        if let telegram = chat.telegram, telegram.policy != .disabled { settings.permissionWait = telegram.permissionTimeout.seconds }
        settings.watchdog = watchdog
        return settings
    }
}

extension AgentRuntime {
    /// The Mayor of a town, with the profile `[mayor] agent` names.
    public static func mayor(environment: GatewayEnvironment, town: Town, config: GatewayConfig) -> AgentRuntime {
        mayor(environment: environment, town: town, settings: config.agentSettings)
    }
}

extension PolecatSupervisor {
    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.init(environment: environment, town: town, settings: config.polecats, agents: config.agentSettings, budget: config.budgetGate)
    }
}

extension GatewayConfig {
    /// What the memory feature needs; its days are counted in the heartbeat's zone, else the system's.
    public var memoryConfig: MemoryConfig {
        MemoryConfig(memory: memory, timeZone: heartbeat.activeHours?.timeZone ?? TimeZone.current, agents: agentSettings)
    }

    public var heartbeatConfig: HeartbeatConfig { HeartbeatConfig(heartbeat: heartbeat, memory: memoryConfig, budget: budgetGate) }

    /// The budgets with their prices; a day starts at midnight in the heartbeat's zone.
    public var budgetGate: BudgetGate { BudgetGate(settings: budget, prices: usage.prices, zone: heartbeat.timeZone()) }
}

extension MemoryStore {
    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.init(environment: environment, town: town, config: config.memoryConfig)
    }
}

extension MemoryFlush {
    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.init(environment: environment, town: town, config: config.memoryConfig)
    }
}

extension SessionExtractor {
    public init(environment: GatewayEnvironment, town: Town, config: GatewayConfig) {
        self.init(environment: environment, town: town, config: config.memoryConfig)
    }
}

extension MemoryCalendar {
    public init(config: GatewayConfig) { self.init(timeZone: config.memoryConfig.timeZone) }
}

extension BeatRunner {
    /// A command's runner: it reads the town's gateway.toml and HEARTBEAT.md at each step (a command
    /// takes one or two), and delivers the turns it queues itself — or pokes the daemon when one runs.
    /// The daemon's runner reads the config the daemon holds instead.
    public init(environment: GatewayEnvironment, town: Town, startedAt: Date) {
        self.init(environment: environment, town: town, startedAt: startedAt,
                  config: { try town.loadConfig().heartbeatConfig }, document: { try HeartbeatDocument.load(from: town.heartbeatFile) })
    }
}

extension HeartbeatStatusReader {
    public init(environment: GatewayEnvironment, town: Town) throws {
        self.init(environment: environment, town: town, settings: try town.loadConfig().heartbeat)
    }
}

extension HeartbeatPreview {
    /// Previews a beat at `at` for a town: its gateway.toml, HEARTBEAT.md and ledger marks.
    public static func make(environment: GatewayEnvironment, town: Town, at: Date, systemZone: TimeZone = .current) async throws -> HeartbeatPreview {
        try await make(environment: environment, town: town, settings: try town.loadConfig().heartbeat, at: at, systemZone: systemZone)
    }
}

/// The town's config, read on first use and then kept: one hook event reads gateway.toml at most once,
/// and not at all when nothing it does needs it.
final class ConfigOnce: @unchecked Sendable {
    private let town: Town
    private let lock = NSLock()
    private var loaded: Result<GatewayConfig, any Error>?

    init(_ town: Town) { self.town = town }

    func value() throws -> GatewayConfig {
        lock.lock()
        defer { lock.unlock() }
        if loaded == nil { loaded = Result { try town.loadConfig() } }
        return try loaded!.get()
    }
}
