import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the town, its rigs and crew, the Mayor, the daemon and the heartbeat.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let status = try await TownStatusReader(environment: environment, town: town).read()
        if format.json {
            environment.output.line(try JSONOutput.render(status))
            return
        }
        var lines = ["Town \(status.town.name) at \(status.town.path) (tmux socket \(status.town.tmuxSocket))"]
        lines.append("Rigs: \(status.rigs.isEmpty ? "none — add one with `gw rig add NAME SOURCE`" : "\(status.rigs.count)")")
        for rig in status.rigs {
            lines.append("  \(rig.name)  \(rig.source)  (\(rig.defaultBranch))")
            for crew in rig.crew { lines.append("    crew \(crew.name)  \(crew.branch)") }
        }
        lines.append("Mayor: \(status.mayor.state) (agent \(status.mayor.agent))")
        let uptime = status.daemon.uptimeSeconds.map { ", up \(DaemonStatus.describe(seconds: $0))" } ?? ""
        lines.append("Daemon: \(status.daemon.running ? "running, pid \(status.daemon.pid ?? 0)\(uptime)" : "not running — `gw daemon start`")")
        let every = status.heartbeat.every.map { "every \($0)" } ?? "off"
        lines.append("Heartbeat: \(every), active \(status.heartbeat.activeHours ?? "at all hours")")
        if let budget = status.budget {
            let paused = budget.paused.map { "\($0.source) paused until \(UTCStamp.iso8601($0.until)) (\($0.because))" }
            lines.append("Budget: " + (paused.isEmpty ? "nothing paused" : paused.joined(separator: "; ") + " — `gw budget resume` lifts it"))
        }
        lines.append("Convoys: \(status.convoys.open) open" + (status.convoys.recent.isEmpty ? "" : "; latest \(status.convoys.recent[0])"))
        let outbox = status.outbox.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("Outbox: \(outbox.isEmpty ? "empty" : outbox)")
        lines.append("Ledger: \(status.ledger.path) (\(status.ledger.migrations.count) migration\(status.ledger.migrations.count == 1 ? "" : "s"))")
        environment.output.line(lines.joined(separator: "\n"))
    }
}
