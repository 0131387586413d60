import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayHooks
import GatewayAgents
import GatewayWork

struct PolecatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polecat", abstract: "Temporary workers that `gw sling` hands tasks to.",
        subcommands: [PolecatList.self, PolecatShow.self, PolecatKill.self, PolecatPrune.self])
}

/// A polecat with its reply and where its result is, as `show`, `sling --wait` and `--json` print it.
struct PolecatView: Encodable {
    var polecat: Polecat
    var reply: String?
    var hook: String?

    static func load(_ polecat: Polecat, town: Town) async throws -> PolecatView {
        var turn: Turn?
        if let id = polecat.turnId { turn = try await Ledger(file: town.ledgerFile).turn(id) }
        return PolecatView(polecat: polecat, reply: turn?.reply, hook: polecat.agent.map { HookBranches.branch(for: $0) })
    }

    static func line(_ polecat: Polecat) -> String {
        "\(polecat.displayName)\t\(polecat.state.rawValue)\t\(polecat.rig)\t\(polecat.branch ?? "-")\tconvoy \(polecat.convoyId)\t\(polecat.title)"
    }

    static func printDetail(_ view: PolecatView, to output: any OutputSink) {
        let polecat = view.polecat
        output.line("Polecat \(polecat.displayName): \(polecat.state.rawValue) — \(polecat.title)")
        output.line("  rig \(polecat.rig), branch \(polecat.branch ?? "-"), worktree \(polecat.worktree ?? "-")")
        output.line("  convoy \(polecat.convoyId), agent \(polecat.agent ?? "-") (\(polecat.profile))")
        if let hook = view.hook, let commit = polecat.resultCommit { output.line("  result \(hook) @ \(commit) (work/result.md)") }
        if let error = polecat.error { output.line("  error: \(error)") }
        if let commits = polecat.commits, !commits.isEmpty {
            output.line("  commits:")
            for commit in commits.split(separator: "\n") { output.line("    \(commit)") }
        }
        if let reply = view.reply { output.line(""); output.line(reply) }
    }
}

struct PolecatList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List polecats and queued slings (finishing any whose turn ended).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let polecats = try await PolecatSupervisor(environment: environment, town: town, config: try town.loadConfig()).list()
        if format.json { return environment.output.line(try JSONOutput.render(polecats)) }
        if polecats.isEmpty { return environment.output.line("No polecats yet: `gw sling TEXT --rig RIG` starts one.") }
        for polecat in polecats { environment.output.line(PolecatView.line(polecat)) }
    }
}

struct PolecatShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a polecat: state, branch, commits, result and reply.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The polecat's name (its latest sling), or #N for sling N.") var name: String

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        try await PolecatSupervisor(environment: environment, town: town, config: try town.loadConfig()).reconcile()
        guard let polecat = try await Ledger(file: town.ledgerFile).polecat(named: name) else {
            throw GatewayError("no polecat named \(name): `gw polecat list` shows them")
        }
        let view = try await PolecatView.load(polecat, town: town)
        if format.json { return environment.output.line(try JSONOutput.render(view)) }
        PolecatView.printDetail(view, to: environment.output)
    }
}

struct PolecatKill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Stop a polecat: it is marked failed, its last screen saved to its hook, its worktree kept.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The polecat's name, or #N for a queued sling.") var name: String

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let polecat = try await PolecatSupervisor(environment: environment, town: town, config: try town.loadConfig()).kill(name)
        environment.output.line("Polecat \(polecat.displayName) stopped and marked failed; its worktree \(polecat.worktree ?? "-") is kept.")
    }
}

struct PolecatPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove worktrees of finished polecats whose branches hold nothing unmerged.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Flag(help: "Remove them even when uncommitted changes would be lost (unmerged branches stay in the rig).") var force = false

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let report = try await PolecatSupervisor(environment: environment, town: town, config: try town.loadConfig()).prune(force: force)
        if format.json { environment.output.line(try JSONOutput.render(report)) }
        if !format.json {
            environment.output.line(report.removed.isEmpty ? "No worktrees removed." : "Removed the worktrees of: \(report.removed.joined(separator: ", ")).")
        }
        guard !report.refused.isEmpty else { return }
        let lines = report.refused.map { refusal in
            "  - \(refusal.polecat) (\(refusal.worktree)):\n" + refusal.wouldLose.map { "      \($0)" }.joined(separator: "\n")
        }
        throw GatewayError("kept \(report.refused.count) worktree\(report.refused.count == 1 ? "" : "s") that hold unmerged work:\n"
                           + lines.joined(separator: "\n") + "\nmerge the branches into the rig's default branch, or remove anyway with `gw polecat prune --force`")
    }
}
