import GatewayCore
/// `[hooks]` in gateway.toml.
public struct HooksSettings: Sendable, Equatable {
    /// Where hook branches are pushed after each commit batch, for a copy off the machine; nil: no push.
    public var remote: String?
    /// How long a write waits for another git (the agent's) to release the worktree's lock.
    public var lockWait: ConfigDuration = .seconds(30)
    /// Push attempts per batch before the failure is recorded and left for the next commit.
    public var pushAttempts: Int = 3

    public init() {}

    package init(_ table: TableReader) {
        let remote = table.string("remote", default: "")
        self.remote = remote.isEmpty ? nil : remote
        lockWait = table.duration("lock_wait", default: lockWait, minimum: .seconds(1)) ?? lockWait
        pushAttempts = table.integer("push_attempts", default: pushAttempts, range: 1...10)
        table.finish()
    }
}
