import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

struct ImportGasTown: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gastown",
        abstract: "Bring a Gas Town town's rigs, crew and formulas into the town (the Gas Town folder is only read).",
        discussion: """
            Each rig in mayor/rigs.json is added from its git_url, borrowing objects from Gas Town's \
            <rig>/.repo.git to save the download; each crew clone becomes a crew worktree on its branch as \
            its remote has it. Work that exists only in a Gas Town crew clone (unpushed commits, \
            uncommitted changes, untracked files) stays there and is named. Formulas in \
            .beads/formulas/*.formula.toml that Gateway's parser accepts are copied into formulas/.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The Gas Town town's root, the folder holding mayor/town.json (default $GT_TOWN_ROOT, else ~/gt, where `gt install` puts it).")
    var folder: String?
    @Flag(help: "Show what would change, and change nothing.") var dryRun = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let home = URL(fileURLWithPath: environment.variables["HOME"] ?? NSHomeDirectory())
        let given = folder.map { URL(fileURLWithPath: $0, relativeTo: environment.workingDirectory).standardizedFileURL }
            ?? GasTownTown.defaultFolder(home: home, variables: environment.variables)
        let source = GasTownTown(folder: given)
        let importer = GasTownImport(environment: environment, town: town)
        let plan = dryRun ? try await importer.plan(from: source) : try await importer.run(from: source)
        if format.json { return environment.output.line(try JSONOutput.render(plan)) }
        let output = environment.output
        output.line("Gas Town town: \(plan.town)")
        for item in plan.items {
            let verb = item.action == "unchanged" ? "unchanged" : dryRun ? "would \(item.action)" : item.action
            let what = item.kind == "formula" ? item.target : "\(item.kind) \(item.target)"
            output.line("  \(verb.padding(toLength: 14, withPad: " ", startingAt: 0)) \(what)\(item.detail.map { " (\($0))" } ?? "")  ← \(item.source)")
        }
        for skipped in plan.skipped { output.line("  skipped        \(skipped.source): \(skipped.reason)") }
        for kept in plan.unpushed {
            output.line("  kept           crew \(kept.crew) has work only in \(kept.folder): \(kept.work.joined(separator: "; ")) — it stays there; push it, then `git pull` in the town's crew")
        }
        for note in plan.notes { output.line("  note: \(note)") }
        if dryRun {
            output.line(plan.changes.isEmpty ? "Dry run: nothing would change." : "Dry run: nothing was changed. Run it without --dry-run to import.")
        } else if plan.changes.isEmpty {
            output.line("Nothing to import: the town already holds all of it.")
        } else {
            let counts = ["rig", "crew", "formula"].compactMap { kind -> String? in
                let count = plan.changes.filter { $0.kind == kind }.count
                return count == 0 ? nil : "\(count) \(kind)\(count == 1 || kind == "crew" ? "" : "s")"
            }
            output.line("Imported \(counts.joined(separator: ", ")). The Gas Town folder was only read.")
        }
    }
}
