import ArgumentParser
import Foundation
import GatewayKit

struct DaemonStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Is the daemon running: pid, uptime and its last log lines.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Option(name: [.customShort("n"), .long], help: "How many log lines to show.") var lines = 10

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let status = DaemonControl(town: town, environment: environment).status(logLines: lines)
        if format.json { return environment.output.line(try JSONOutput.render(status)) }
        var text: [String] = []
        if let pid = status.pid {
            text.append("The daemon is running: pid \(pid), up \(Self.describe(seconds: status.uptimeSeconds ?? 0)).")
            for trouble in status.configTroubles {
                text.append("It runs on the last good version of \(trouble.file); the file as it is now has \(trouble.problems.count == 1 ? "a problem" : "problems"):")
                text += trouble.problems.map { "  \($0)" }
                text.append("Fix it and save: the daemon reads it again at once (`gw config check` shows every problem).")
            }
        } else {
            text.append("The daemon is not running — start it with `gw daemon start` (or `gw daemon install` to keep it running).")
            if let stale = status.stalePid { text.append("Its pid file names pid \(stale), which is gone: it was killed; the next start replaces the file.") }
        }
        if !status.lastLogLines.isEmpty {
            text.append("Last lines of \(status.logFile):")
            text += status.lastLogLines.map { "  \($0)" }
        }
        environment.output.line(text.joined(separator: "\n"))
    }

    /// `3d 4h`, `2h 5m`, `4m 10s`, `12s`.
    static func describe(seconds: Int) -> String {
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(rest)s" }
        return "\(rest)s"
    }
}
