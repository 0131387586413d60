import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayHeartbeat

/// `gw heartbeat dry-run [--at ISO8601] [--json]`: due tasks, skip reason and the exact prompt; no agent call.
struct HeartbeatDryRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Show which HEARTBEAT.md tasks a beat would carry, why others are skipped, and the exact prompt. Nothing is sent.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption

    @Option(name: .long, help: ArgumentHelp(
        "The moment to preview: ISO 8601 with a zone (2026-11-26T09:00:00+08:00), or without one (2026-11-26T09:00) in the heartbeat's zone. Default: now.",
        valueName: "time"))
    var at: String?

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let zone = try town.loadConfig().heartbeat.timeZone()
        var moment = environment.clock.now()
        if let at {
            guard let parsed = HeartbeatPreview.parseMoment(at, zone: zone) else {
                throw GatewayError.usage("--at \(at) is not a time: write ISO 8601 like 2026-11-26T09:00:00+08:00, or 2026-11-26T09:00 for the heartbeat's zone (\(zone.identifier))")
            }
            moment = parsed
        }
        let preview = try await HeartbeatPreview.make(environment: environment, town: town, at: moment)
        if format.json {
            environment.output.line(try JSONOutput.render(preview))
        } else {
            environment.output.write(Self.text(preview, zone: zone))
        }
    }

    static func text(_ preview: HeartbeatPreview, zone: TimeZone) -> String {
        func local(_ date: Date?) -> String { date.map { ZonedTime.local($0, in: zone).text } ?? "never" }
        var lines = ["Heartbeat dry run at \(preview.localTime) (\(preview.timeZone)); nothing is sent."]
        let every = preview.every.map { "every \($0)" } ?? "off"
        lines.append("  schedule   \(every), active \(preview.activeHours ?? "at all hours")")
        let due = preview.beatDue ? (preview.missedBeats > 0 ? "due now, catching up \(preview.missedBeats) missed" : "due now") : "not yet due"
        lines.append("  last beat  \(local(preview.lastBeat)); next beat \(local(preview.nextBeat)) (\(due))")
        lines.append(preview.tasks.isEmpty ? "Tasks: none in HEARTBEAT.md" : "Tasks:")
        let width = preview.tasks.map { columns($0.name) }.max() ?? 0
        for task in preview.tasks {
            let padding = String(repeating: " ", count: width - columns(task.name))
            lines.append("  \(task.due ? "✓" : "·") \(task.name)\(padding)  \(task.reason)")
        }
        if let day = preview.organizeDay { lines.append("Memory organising: due (\(day))") }
        if let reason = preview.skipReason {
            lines.append("Skipped, no agent call: \(reason)")
        }
        var text = lines.joined(separator: "\n") + "\n"
        if let prompt = preview.prompt {
            text += "\n--- prompt (\(preview.dueTasks.count) task\(preview.dueTasks.count == 1 ? "" : "s")) ---\n" + prompt + "--- end of prompt ---\n"
        }
        return text
    }

    /// Terminal columns a name takes: Chinese, Japanese and Korean characters are two wide.
    static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                               0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD]
            return total + (wide.contains { $0.contains(scalar.value) } ? 2 : 1)
        }
    }
}
