import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayNotify

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with gateway.toml.", subcommands: [ConfigCheck.self])
}

struct ConfigCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate gateway.toml; each problem is printed as file:line: key: what is wrong (exit 78).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let secretProblems = NotifyService.secretProblems(config.notify, town: town, variables: environment.variables)
        guard secretProblems.isEmpty else { throw GatewayError.config(secretProblems) }
        let every = config.heartbeat.every.map { "every \($0)" } ?? "off"
        let hours = config.heartbeat.activeHours.map { "\($0.start)-\($0.end) \($0.timeZone?.identifier ?? "(system zone)")" } ?? "always"
        environment.output.line("""
            \(town.configFile.path) is valid.
              town       \(town.name(config))
              mayor      agent \(config.mayor.agent)
              heartbeat  \(every), active \(hours)
              notify     \(Self.targets(config.notify))
            """)
    }

    static func targets(_ settings: NotifySettings) -> String {
        let names = settings.targets.keys.sorted()
        guard !names.isEmpty else { return "no targets" }
        return names.map { "\($0) (\(settings.targets[$0]!.kindName))" }.joined(separator: ", ")
    }
}
