import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayWork

struct ConvoyList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List recent convoys, newest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Option(help: "How many to show.") var limit = 50

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let convoys = try await Ledger(file: town.ledgerFile).convoys(limit: limit)
        if format.json { return environment.output.line(try JSONOutput.render(convoys)) }
        if convoys.isEmpty { return environment.output.line("No convoys yet: heartbeats and slings create them.") }
        for convoy in convoys {
            environment.output.line("\(convoy.id)\t\(convoy.state.rawValue)\t\(ConvoyText.counts(convoy.counts))\t\(ConvoyText.time(convoy.createdAt))\t\(convoy.kind): \(convoy.title)")
        }
    }
}

/// Text shared by the convoy commands.
enum ConvoyText {
    static func counts(_ counts: ConvoyCounts) -> String {
        let ended = counts.done + counts.failed + counts.skipped
        var parts = ["\(ended)/\(counts.total) ended"]
        if counts.running > 0 { parts.append("\(counts.running) running") }
        if counts.failed > 0 { parts.append("\(counts.failed) failed") }
        return parts.joined(separator: ", ")
    }

    static func time(_ date: Date?) -> String {
        date.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
    }
}
