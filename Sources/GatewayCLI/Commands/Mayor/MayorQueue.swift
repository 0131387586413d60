import ArgumentParser
import Foundation
import GatewayKit
import GatewayAgents

struct MayorQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "The Mayor's turns that have not ended, oldest first, and why each waits.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let context = try MayorContext(global)
        let entries = try await TurnQueue(runtime: context.lifecycle.runtime).entries()
        if format.json { return context.environment.output.line(try JSONOutput.render(entries)) }
        guard !entries.isEmpty else { return context.environment.output.line("No turn waits: the Mayor's queue is empty.") }
        var lines: [String] = []
        for entry in entries {
            lines.append("turn \(entry.id)  \(entry.state.rawValue) \(MayorStatus.duration(entry.waitingSeconds))  \(entry.source)  \(entry.bytes) bytes  \(entry.preview)")
            lines.append("    \(entry.why)")
        }
        lines.append("`gw mayor cancel TURN` drops a turn.")
        context.environment.output.line(lines.joined(separator: "\n"))
    }
}

struct MayorCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Drop one of the Mayor's turns that has not ended.",
        discussion: "A queued turn is never sent. A turn the Mayor already has is marked failed; the Mayor is not interrupted and its reply, if one comes, is not recorded.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The turn's id, as `gw mayor queue` shows it.") var turn: Int64

    func run() async throws {
        let context = try MayorContext(global)
        let was = try await TurnQueue(runtime: context.lifecycle.runtime).cancel(turn)
        let note = was == .queued ? "it will not be sent" : "the Mayor already had it (\(was.rawValue)) and is not interrupted; its reply will not be recorded"
        context.environment.output.line("Cancelled turn \(turn): \(note).")
    }
}
