import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayNotify

/// One outbox row as `gw notify outbox --json` prints it. The text is included; secrets never are,
/// since no secret is ever stored in the outbox.
struct OutboxRow: Encodable {
    var id: Int64
    var target: String
    var source: String
    var state: String
    var priority: String
    var title: String
    var text: String
    var attempts: Int
    var partsDone: Int
    /// Calls that ended without knowing whether the server took the message: a duplicate is possible.
    var possibleDuplicates: Int
    var createdAt: Date
    var nextAttemptAt: Date?
    var deliveredAt: Date?
    var lastError: String?
    var status: String?

    init(_ entry: OutboxEntry, status: String? = nil) {
        id = entry.id
        target = entry.target
        source = entry.source
        state = entry.state.rawValue
        priority = entry.priority.rawValue
        title = entry.title
        text = entry.text
        attempts = entry.attempts
        partsDone = entry.partsDone
        possibleDuplicates = entry.interruptions
        createdAt = entry.createdAt
        nextAttemptAt = entry.state == .pending || entry.state == .uncertain ? entry.nextAttemptAt : nil
        deliveredAt = entry.deliveredAt
        lastError = entry.lastError
        self.status = status
    }
}

struct NotifyOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List recent notifications and their state (pending, sending, uncertain, delivered, failed, held).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption

    @Option(name: .long, help: "How many of the most recent rows to show.")
    var limit: Int = 50

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let entries = try await Ledger(file: town.ledgerFile).outboxEntries(limit: max(limit, 1))
        if json.json {
            environment.output.line(try JSONOutput.render(entries.map { OutboxRow($0) }))
            return
        }
        guard !entries.isEmpty else {
            environment.output.line("the outbox is empty: send one with `gw notify send --target NAME TEXT`")
            return
        }
        let formatter = ISO8601DateFormatter()
        for entry in entries {
            var line = "#\(entry.id)  \(entry.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(entry.target)  \(entry.source)  \(formatter.string(from: entry.createdAt))"
            if entry.attempts > 0 { line += "  attempts \(entry.attempts)" }
            if entry.interruptions > 0 { line += "  possible duplicate (\(entry.interruptions) interrupted call\(entry.interruptions == 1 ? "" : "s"))" }
            environment.output.line(line)
            let preview = entry.text.replacingOccurrences(of: "\n", with: " ").prefix(70)
            environment.output.line("    \(entry.title): \(preview)\(entry.text.count > 70 ? "…" : "")")
            if entry.state != .delivered, let error = entry.lastError { environment.output.line("    last error: \(error)") }
            if entry.state == .failed || entry.state == .held { environment.output.line("    retry with `gw notify retry \(entry.id)`") }
        }
    }
}

struct NotifyRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Put a failed or held notification back in line and deliver it (when no daemon runs).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The notification's id, from `gw notify outbox`.")
    var id: Int64

    @Option(name: .long, help: "How long to keep delivering before returning.")
    var timeout: DurationArgument = .init(.seconds(30))

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let ledger = try Ledger(file: town.ledgerFile)
        let entry = try await ledger.retryNotification(id, now: environment.clock.now())
        let service = NotifyService(environment: environment, town: town, settings: config.notify)
        guard try await service.deliverPending(timeout: timeout.duration.seconds) != nil else {
            environment.output.line("notification #\(entry.id) is queued again; the daemon delivers it")
            return
        }
        let final = try await ledger.outboxEntry(id) ?? entry
        if final.state == .delivered {
            environment.output.line("delivered #\(final.id) to \(final.target)")
        } else {
            environment.output.line("notification #\(final.id) is \(final.state.rawValue): \(final.lastError ?? "not delivered yet"); see `gw notify outbox`")
            throw ExitCode(1)
        }
    }
}
