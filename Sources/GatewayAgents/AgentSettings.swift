import Foundation
import GatewayCore
import GatewayHooks

/// What running agents takes from the town's settings: the Mayor's section, the agent profiles, the
/// hooks section (a prompt too long to type is committed to the agent's hook), Gateway's own secrets
/// (kept from every agent's environment) and the targets that hear of an agent's trouble.
public struct AgentSettings: Sendable, Equatable {
    public var mayor: MayorSettings
    /// Agent profiles, the built-ins included.
    public var profiles: [String: AgentProfile]
    public var hooks: HooksSettings
    /// Every secret Gateway's own settings name (notify targets' tokens and passwords).
    public var secretReferences: [SecretReference]
    /// Where the owner hears of a crash loop or a waiting permission (the heartbeat's urgent targets).
    public var alertTargets: [String]
    /// How long a PermissionRequest hook may wait for the owner's answer from the chat; nil when no
    /// chat can answer (then `watchdog.permission_timeout` applies, the answer given with `gw mayor allow`).
    public var permissionWait: TimeInterval?
    public var watchdog = WatchdogSettings()

    /// How long the PermissionRequest hook may wait at most, by either path: its timeout in the agent's
    /// settings is a minute above this, so Claude Code never cuts the wait short.
    public var permissionHookWait: TimeInterval { max(permissionWait ?? 0, watchdog.permissionTimeout.seconds) }

    public init(mayor: MayorSettings = .init(), profiles: [String: AgentProfile] = AgentProfile.builtIns,
                hooks: HooksSettings = .init(), secretReferences: [SecretReference] = [], alertTargets: [String] = []) {
        self.mayor = mayor
        self.profiles = profiles
        self.hooks = hooks
        self.secretReferences = secretReferences
        self.alertTargets = alertTargets
    }

    /// The profile an agent setting names; config validation guarantees it exists.
    public func profile(_ name: String) -> AgentProfile {
        profiles[name] ?? AgentProfile.builtIns["claude"]!
    }

    /// Gateway's secrets with their values as this process sees them.
    public func secrets(variables: [String: String], root: URL) -> GatewaySecrets {
        GatewaySecrets(references: secretReferences, variables: variables, root: root)
    }
}

extension HookStore {
    /// The hook store as agents' settings configure it, their secrets kept out of every commit.
    public init(environment: GatewayEnvironment, town: Town, agents: AgentSettings) {
        self.init(environment: environment, town: town, settings: agents.hooks,
                  secrets: agents.secrets(variables: environment.variables, root: town.root))
    }
}
