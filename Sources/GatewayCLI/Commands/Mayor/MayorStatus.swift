import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents
import GatewayChat

struct MayorStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The Mayor's state, session, uptime, restarts and last turn.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    func run() async throws {
        let context = try MayorContext(global)
        var status = try await AgentStatusReader(lifecycle: context.lifecycle).read()
        status.permissions = try await context.lifecycle.runtime.openLedger().recentChatPermissions(agent: status.agent, limit: 5).map { asked in
            PermissionRecord(id: asked.id, tool: asked.tool, input: asked.input, state: asked.state.rawValue, askedAt: asked.createdAt,
                             decidedAt: asked.decidedAt, decidedBy: asked.decidedBy)
        }
        if format.json { return context.environment.output.line(try JSONOutput.render(status)) }
        var lines = ["Mayor: \(status.state.replacingOccurrences(of: "_", with: " ")) (agent \(status.profile))"]
        if let session = status.sessionId { lines.append("  session   \(session)") }
        if let uptime = status.uptimeSeconds { lines.append("  uptime    \(Self.duration(uptime))") }
        lines.append("  restarts  \(status.restarts)")
        if let note = status.note { lines.append("  note      \(note)") }
        if let until = status.pausedUntil {
            lines.append("  paused    until \(UTCStamp.iso8601(until)) by \(status.pausedBecause ?? "a usage limit"); deliveries resume by themselves")
        }
        if let permission = status.waitingPermission { lines.append("  waiting for permission: \(permission) — attach with `gw mayor attach` to answer") }
        if let deferred = status.deferredBecause { lines.append("  deferred  \(status.queuedTurns) queued turn(s): \(deferred)") }
        else if status.queuedTurns > 0 { lines.append("  queued    \(status.queuedTurns) turn(s)") }
        if let oldest = status.oldestWaiting {
            lines.append("  waiting   turn \(oldest.id) (\(oldest.state.rawValue) \(Self.duration(oldest.waitingSeconds))): \(oldest.why) — `gw mayor queue` lists them, `gw mayor cancel \(oldest.id)` drops it")
        }
        if let turn = status.lastTurn {
            lines.append("  last turn \(turn.id) \(turn.state.rawValue): \(turn.text.prefix(60).replacingOccurrences(of: "\n", with: " "))")
            if let error = turn.error { lines.append("            error: \(error)") }
        }
        for asked in status.permissions {
            let who = asked.decidedBy.map { " by Telegram user \($0)" } ?? ""
            let input = asked.input.prefix(60).replacingOccurrences(of: "\n", with: " ")
            lines.append("  permission \(asked.id) \(asked.tool) \(input): \(asked.state.replacingOccurrences(of: "_", with: " "))\(who)")
        }
        context.environment.output.line(lines.joined(separator: "\n"))
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }
}
