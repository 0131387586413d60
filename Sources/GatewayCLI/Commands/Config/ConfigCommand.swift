import ArgumentParser
import Foundation
import GatewayKit

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
        let every = config.heartbeat.every.map { "every \($0)" } ?? "off"
        let hours = config.heartbeat.activeHours.map { "\($0.start)-\($0.end) \($0.timeZone?.identifier ?? "(system zone)")" } ?? "always"
        environment.output.line("""
            \(town.configFile.path) is valid.
              town       \(town.name(config))
              mayor      agent \(config.mayor.agent)
              heartbeat  \(every), active \(hours)
            """)
    }
}
