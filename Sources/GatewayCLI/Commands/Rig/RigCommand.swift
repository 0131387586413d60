import ArgumentParser
import Foundation
import GatewayKit
import GatewayWork

struct RigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rig", abstract: "Project repos in the town: a shared bare clone plus worktrees.",
        subcommands: [RigAdd.self, RigList.self, RigRemove.self])
}

struct RigAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Clone a project (a URL or a local path) into the town as a rig.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The rig's name.") var name: String
    @Argument(help: "A git URL or the path of a local repository.") var source: String

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let rig = try await RigManager(environment: environment, town: town).add(name: name, source: source)
        environment.output.line("Added rig \(rig.name) from \(rig.source) (default branch \(rig.defaultBranch)) at \(rig.path)")
    }
}

struct RigList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rigs.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let rigs = try RigManager(environment: environment, town: town).list()
        if format.json { return environment.output.line(try JSONOutput.render(rigs)) }
        if rigs.isEmpty { return environment.output.line("No rigs yet: add one with `gw rig add NAME SOURCE`.") }
        for rig in rigs {
            environment.output.line("\(rig.name)\t\(rig.source)\t\(rig.defaultBranch)\t\(rig.crew.count) crew")
        }
    }
}

struct RigRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a rig; refuses while a worktree holds uncommitted or unpushed work.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The rig's name.") var name: String
    @Flag(help: "Remove even if work would be lost.") var force = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        try await RigManager(environment: environment, town: town).remove(name: name, force: force)
        environment.output.line("Removed rig \(name).")
    }
}
