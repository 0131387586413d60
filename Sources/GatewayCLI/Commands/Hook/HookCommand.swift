import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks

struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Agents' hooks: git-backed storage where work is hung and results are left.",
        subcommands: [HookList.self, HookShow.self, HookPut.self, HookLog.self, HookLockExec.self])
}

extension GlobalOptions {
    /// The town, its config and a hook store built from them.
    func hookStore(_ environment: GatewayEnvironment) throws -> HookStore {
        try Self.hookStore(town: town, environment)
    }

    /// The same for a `--town` value (nil: GW_TOWN, else the nearest town above the current folder).
    static func hookStore(town flag: String?, _ environment: GatewayEnvironment) throws -> HookStore {
        let town = try TownLocator.locate(flag: flag, environment: environment)
        return HookStore(environment: environment, town: town, config: try town.loadConfig())
    }
}
