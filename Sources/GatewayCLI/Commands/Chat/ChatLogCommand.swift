import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayChat

struct ChatLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The latest messages the bot received and sent, with their states (a stranger's words are never kept).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption
    @Option(help: "How many messages.") var limit: Int = 50

    func run() async throws {
        guard limit > 0 else { throw GatewayError.usage("--limit must be at least 1") }
        let environment = global.environment
        let town = try global.locateTown(environment)
        let ledger = try environment.ledger(town)
        let entries = try await ChatLog.entries(ledger: ledger, limit: limit)
        if json.json { return environment.output.line(try JSONOutput.render(entries)) }
        if entries.isEmpty { return environment.output.line("No chat messages yet.") }
        for entry in entries {
            var line = "\(UTCStamp.iso8601(entry.time))  \(entry.direction == "in" ? "←" : "→") chat \(entry.chatId.map(String.init) ?? "?")"
            if entry.direction == "in", let user = entry.userId { line += " from \(user)" }
            line += "  [\(entry.state)]"
            if let turn = entry.turnId { line += " turn \(turn)" }
            if let id = entry.outboxId { line += " outbox \(id)" }
            if let text = entry.text { line += "  " + Self.preview(text) }
            if let note = entry.note { line += "  (\(Self.preview(note)))" }
            environment.output.line(line)
        }
    }

    /// One line, shortened, with no control characters a terminal would act on.
    static func preview(_ text: String) -> String {
        let flat = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        return flat.count > 100 ? String(flat.prefix(99)) + "…" : flat
    }
}
