import ArgumentParser
import Foundation
import GatewayKit
import GatewayWork

struct CrewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crew", abstract: "Long-lived personal worktrees of a rig.",
        subcommands: [CrewAdd.self, CrewList.self, CrewRemove.self])
}

struct CrewAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Make a worktree <rig>/crew/<name> on branch crew/<name>.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The crew member's name.") var name: String
    @Option(help: "The rig.") var rig: String

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let crew = try await CrewManager(environment: environment, town: town).add(name: name, rig: rig)
        environment.output.line("Added crew \(crew.name) to rig \(crew.rig): \(crew.path) on branch \(crew.branch)")
    }
}

struct CrewList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List crew, of every rig or of one.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Option(help: "Only this rig.") var rig: String?

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let crew = try CrewManager(environment: environment, town: town).list(rig: rig)
        if format.json { return environment.output.line(try JSONOutput.render(crew)) }
        if crew.isEmpty { return environment.output.line("No crew yet: add one with `gw crew add NAME --rig RIG`.") }
        for member in crew { environment.output.line("\(member.rig)\t\(member.name)\t\(member.branch)\t\(member.path)") }
    }
}

struct CrewRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a crew worktree (its branch stays); refuses while it holds unsaved work.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The crew member's name.") var name: String
    @Option(help: "The rig.") var rig: String
    @Flag(help: "Remove even if work would be lost.") var force = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        try await CrewManager(environment: environment, town: town).remove(name: name, rig: rig, force: force)
        environment.output.line("Removed crew \(name) from rig \(rig); branch crew/\(name) is kept in the rig.")
    }
}
