import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayNotify

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Send notifications through the outbox, and inspect it.",
        subcommands: [NotifySend.self, NotifyTest.self, NotifyOutbox.self, NotifyRetry.self])
}

/// Parses `--timeout 30s` style durations.
struct DurationArgument: ExpressibleByArgument {
    var duration: ConfigDuration
    init?(argument: String) {
        guard let parsed = ConfigDuration(parsing: argument) else { return nil }
        duration = parsed
    }
    init(_ duration: ConfigDuration) { self.duration = duration }
    var defaultValueDescription: String { duration.description }
}

enum NotifyRendering {
    static func describe(_ outcome: NotifyService.Outcome) -> String {
        let entry = outcome.entry
        let again = outcome.enqueued ? "" : " (already in the outbox under this key; not queued twice)"
        switch outcome.status {
        case "delivered": return "delivered #\(entry.id) to \(entry.target)\(again)"
        case "queued": return "queued #\(entry.id) for \(entry.target); the daemon (pid \(outcome.daemonPID ?? 0)) delivers it\(again)"
        case "failed": return "notification #\(entry.id) to \(entry.target) failed: \(entry.lastError ?? "unknown error")\nfix the cause, then run `gw notify retry \(entry.id)`"
        default:
            let why = entry.lastError.map { " (last error: \($0))" } ?? ""
            return "notification #\(entry.id) to \(entry.target) is not delivered yet\(why); it stays in the outbox and the next `gw notify send` or the daemon delivers it; see `gw notify outbox`"
        }
    }

    /// Exit 0 for delivered or queued, 1 otherwise, so scripts can tell.
    static func check(_ outcome: NotifyService.Outcome) throws {
        guard outcome.status == "delivered" || outcome.status == "queued" else { throw ExitCode(1) }
    }
}
