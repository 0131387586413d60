import Foundation
import GatewayAgents
import GatewayCore

/// What the memory feature takes from the town's settings: its own section, the time zone its days are
/// counted in (the heartbeat's active hours' zone, else the system's), and the agents' settings (the
/// Mayor whose transcript it reads, the hooks it writes to, the secrets kept out of them).
public struct MemoryConfig: Sendable {
    public var memory: MemorySettings
    public var timeZone: TimeZone
    public var agents: AgentSettings

    public init(memory: MemorySettings = .init(), timeZone: TimeZone = .current, agents: AgentSettings = .init()) {
        self.memory = memory
        self.timeZone = timeZone
        self.agents = agents
    }
}
