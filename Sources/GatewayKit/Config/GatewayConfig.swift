import Foundation
import GatewayCore
import GatewayNotify
import GatewayHooks
import GatewayAgents
import GatewayMemory
import GatewayWork
import GatewayHeartbeat
import GatewayChat
import GatewayUsage

/// Everything `gateway.toml` says, decoded once at the edge into plain values with defaults.
/// Each section reads itself from a `TableReader`; later features add sections here.
public struct GatewayConfig: Sendable, Equatable {
    public var town: TownSettings = .init()
    public var mayor: MayorSettings = .init()
    /// Agent profiles from `[agents.NAME]`, on top of the built-ins.
    public var agents: [String: AgentProfile] = AgentProfile.builtIns
    public var heartbeat: HeartbeatSettings = .init()
    public var notify: NotifySettings = .init()
    public var chat: ChatSettings = .init()
    public var hooks: HooksSettings = .init()
    public var memory: MemorySettings = .init()
    public var polecats: PolecatSettings = .init()
    public var daemon: DaemonSettings = .init()
    public var mcp: MCPSettings = .init()
    public var usage: UsageSettings = .init()
    public var budget: BudgetSettings = .init()
    public var watchdog: WatchdogSettings = .init()

    public init() {}

    /// The profile an agent setting names; config validation guarantees it exists.
    public func profile(_ name: String) -> AgentProfile {
        agents[name] ?? AgentProfile.builtIns["claude"]!
    }

    public static let fileName = Town.configFileName

    /// Reads and validates a config file; throws every problem found, each with file, line and key.
    public static func load(from url: URL) throws(ConfigFailure) -> GatewayConfig {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigFailure([ConfigProblem(file: url.lastPathComponent, line: nil, key: nil,
                                               message: "cannot be read (\(error.localizedDescription))")])
        }
        return try load(data, file: url.lastPathComponent)
    }

    /// Validates the bytes of a config file named `file`: what `load(from:)` does once it has read them.
    public static func load(_ data: Data, file: String = fileName) throws(ConfigFailure) -> GatewayConfig {
        switch UTF8Text.decode(data) {
        case .success(let text):
            return try parse(text, file: file)
        case .failure(let invalid):
            throw ConfigFailure([ConfigProblem(file: file, line: invalid.line, key: nil,
                                               message: invalid.message + ", then run `gw config check`")])
        }
    }

    public static func parse(_ text: String, file: String = fileName) throws(ConfigFailure) -> GatewayConfig {
        let root = try TOMLNode.parse(text, file: file)
        let reader = TableReader(root: root, file: file, source: text)
        var config = GatewayConfig()
        if let table = reader.table("town") { config.town = TownSettings(table) }
        if let table = reader.table("mayor") { config.mayor = MayorSettings(table) }
        for (name, table) in reader.namedTables("agents") { config.agents[name] = AgentProfile.read(name, table) }
        config.mayor.checkAgent(in: config.agents, reader: reader)
        if let table = reader.table("heartbeat") { config.heartbeat = HeartbeatSettings(table) }
        if let table = reader.table("notify") { config.notify = NotifySettings(table) }
        if let table = reader.table("hooks") { config.hooks = HooksSettings(table) }
        if let table = reader.table("memory") { config.memory = MemorySettings(table) }
        if let table = reader.table("polecats") { config.polecats = PolecatSettings(table) }
        if let table = reader.table("daemon") { config.daemon = DaemonSettings(table) }
        if let table = reader.table("mcp") { config.mcp = MCPSettings(table) }
        if let table = reader.table("chat") { config.chat = ChatSettings(table) }
        if let table = reader.table("usage") { config.usage = UsageSettings(table) }
        if let table = reader.table("budget") { config.budget = BudgetSettings(table) }
        if let table = reader.table("watchdog") { config.watchdog = WatchdogSettings(table) }
        config.checkPassEnv(reader: reader)
        reader.finish()
        guard reader.problems.isEmpty else { throw ConfigFailure(reader.problems) }
        return config
    }
}

extension GatewayConfig {
    /// A `pass_env` naming one of Gateway's own secrets is refused: agents never get those.
    func checkPassEnv(reader: TableReader) {
        let secretVariables = Dictionary(secretReferences.compactMap { reference -> (String, String)? in
            guard case .environment(let name) = reference.source else { return nil }
            return (name, reference.key)
        }, uniquingKeysWith: { first, _ in first })
        guard !secretVariables.isEmpty, let agents = reader.table("agents") else { return }
        for name in agents.keys {
            guard let profile = self.agents[name], let table = agents.table(name) else { continue }
            for variable in profile.passEnv {
                guard let key = secretVariables[variable] else { continue }
                table.problem("pass_env", "\(variable) holds a secret of Gateway's own (\(key)), and agents never get Gateway's secrets: remove it from pass_env; if an agent needs such a value, give it a variable of its own")
            }
        }
    }
}

public struct TownSettings: Sendable, Equatable {
    /// A display name; the folder name when empty.
    public var name: String = ""

    public init() {}

    init(_ table: TableReader) {
        name = table.string("name", default: "")
        table.finish()
    }
}


extension GatewayConfig {
    /// Every secret the config names. Notify targets today; a new section with secrets adds them here,
    /// which is what keeps them from agents and hook commits.
    public var secretReferences: [SecretReference] {
        notify.targets.keys.sorted().flatMap { notify.targets[$0]!.secrets } + chat.secrets
    }

    /// The config's secrets with their values as this process sees them.
    public func secrets(variables: [String: String], root: URL) -> GatewaySecrets {
        GatewaySecrets(references: secretReferences, variables: variables, root: root)
    }
}

extension Town {
    /// Reads the town's `gateway.toml`: every problem with its file, line and key.
    public func loadConfig() throws -> GatewayConfig {
        do {
            return try GatewayConfig.load(from: configFile)
        } catch {
            throw error.gatewayError
        }
    }

    /// The display name: `[town] name`, else the folder's name.
    public func name(_ config: GatewayConfig) -> String {
        config.town.name.isEmpty ? root.lastPathComponent : config.town.name
    }
}
