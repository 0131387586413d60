import Foundation
import GatewayAgents
import GatewayCore
import GatewayMemory
import GatewayUsage

/// What the heartbeat takes from the town's settings: its own section, the memory feature's (where
/// findings go, which carries the Mayor's settings too) and the budgets that may pause it.
public struct HeartbeatConfig: Sendable {
    public var heartbeat: HeartbeatSettings
    public var memory: MemoryConfig
    public var budget: BudgetGate

    public init(heartbeat: HeartbeatSettings = .init(), memory: MemoryConfig = .init(), budget: BudgetGate? = nil) {
        self.heartbeat = heartbeat
        self.memory = memory
        self.budget = budget ?? BudgetGate(settings: .init(), prices: .init(), zone: heartbeat.timeZone())
    }

    public var agents: AgentSettings { memory.agents }
}
