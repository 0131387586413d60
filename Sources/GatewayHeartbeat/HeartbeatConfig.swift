import Foundation
import GatewayAgents
import GatewayCore
import GatewayMemory

/// What the heartbeat takes from the town's settings: its own section and the memory feature's (where
/// findings go, which carries the Mayor's settings too).
public struct HeartbeatConfig: Sendable {
    public var heartbeat: HeartbeatSettings
    public var memory: MemoryConfig

    public init(heartbeat: HeartbeatSettings = .init(), memory: MemoryConfig = .init()) {
        self.heartbeat = heartbeat
        self.memory = memory
    }

    public var agents: AgentSettings { memory.agents }
}
