import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Move in from another tool: OpenClaw's memory, instructions and heartbeat; Gas Town's rigs, crew and formulas.",
        subcommands: [ImportOpenClaw.self, ImportGasTown.self])
}

struct ImportOpenClaw: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openclaw",
        abstract: "Bring an OpenClaw workspace's memory, standing instructions and HEARTBEAT.md into the town (the source is only read).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The OpenClaw home or workspace (default ~/.openclaw).") var folder: String?
    @Flag(help: "Show what would change, and change nothing.") var dryRun = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let home = URL(fileURLWithPath: environment.variables["HOME"] ?? NSHomeDirectory())
        let given = folder.map { URL(fileURLWithPath: $0, relativeTo: environment.workingDirectory).standardizedFileURL }
            ?? home.appendingPathComponent(".openclaw")
        let openclaw = OpenClawHome(folder: given, home: home)
        let (workspace, how) = try openclaw.workspace()
        let configFile = FileSystem.exists(openclaw.configFile) ? openclaw.configFile : nil
        let importer = OpenClawImport(environment: environment, town: town, config: config)
        let plan = dryRun ? try importer.plan(workspace: workspace, configFile: configFile)
            : try await importer.run(workspace: workspace, configFile: configFile)
        if format.json { return environment.output.line(try JSONOutput.render(plan)) }
        let output = environment.output
        output.line("OpenClaw workspace: \(workspace.path) (\(how))")
        for item in plan.items {
            let verb = item.action == "unchanged" ? "unchanged" : dryRun ? "would \(item.action)" : item.action
            output.line("  \(verb.padding(toLength: 14, withPad: " ", startingAt: 0)) \(item.target)  ← \(item.source)")
        }
        for change in plan.config {
            if let before = change.before { output.line("  gateway.toml [\(change.table)]  - \(before)") }
            output.line("  gateway.toml [\(change.table)]  + \(change.after)")
        }
        if let backup = plan.configBackup { output.line("  gateway.toml was copied to \(backup) first") }
        for skipped in plan.skipped { output.line("  skipped        \(skipped.source): \(skipped.reason)") }
        for note in plan.notes { output.line("  note: \(note)") }
        if dryRun {
            output.line(plan.changes.isEmpty && plan.config.isEmpty ? "Dry run: nothing would change." : "Dry run: nothing was changed. Run it without --dry-run to import.")
        } else if plan.changes.isEmpty && plan.config.isEmpty {
            output.line("Nothing to import: the town already holds all of it.")
        } else {
            output.line("Imported \(plan.changes.count) file\(plan.changes.count == 1 ? "" : "s")\(plan.commit.map { "; the Mayor's hook commit \($0.prefix(12))" } ?? ""). The standing instructions take effect when the Mayor's session starts again (`gw mayor restart`).")
        }
    }
}
