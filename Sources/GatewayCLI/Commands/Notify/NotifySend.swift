import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayNotify

struct NotifySend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Queue a notification for a target and, when no daemon runs, deliver it before returning.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption

    @Option(name: .long, help: "The target, a [notify.targets.NAME] in gateway.toml.")
    var target: String

    @Option(name: .long, help: "normal or urgent.")
    var priority: String = "normal"

    @Option(name: .long, help: "The title (the email subject).")
    var title: String = "Gateway"

    @Option(name: .long, help: "An idempotency key: sending the same key to the same target again does nothing (default: a new one).")
    var key: String?

    @Option(name: .long, help: "How long to keep delivering before returning; what is not delivered stays queued.")
    var timeout: DurationArgument = .init(.seconds(30))

    @Argument(help: "The text, or - to read it from stdin.")
    var text: String

    func run() async throws {
        let environment = global.environment
        let priority = try NotificationPriority.parse(self.priority, given: "--priority")
        let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GatewayError.usage("the text is empty: pass it as an argument, or - with text on stdin")
        }
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let source = "manual:\(key ?? UUID().uuidString.lowercased())"
        let request = NotificationRequest(source: source, target: target, title: title, text: body, priority: priority)
        let outcome = try await NotifyService(environment: environment, town: town, settings: config.notify)
            .send(request, timeout: timeout.duration.seconds)
        if json.json {
            environment.output.line(try JSONOutput.render(OutboxRow(outcome.entry, status: outcome.status)))
        } else {
            environment.output.line(NotifyRendering.describe(outcome))
        }
        try NotifyRendering.check(outcome)
    }
}

struct NotifyTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Send a test notification to a target through the outbox, and report how it went.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var json: JSONOption

    @Argument(help: "The target's name.")
    var name: String

    @Option(name: .long, help: "How long to keep trying.")
    var timeout: DurationArgument = .init(.seconds(30))

    func run() async throws {
        let environment = global.environment
        let town = try global.locateTown(environment)
        let config = try town.loadConfig()
        let stamp = ISO8601DateFormatter().string(from: environment.clock.now())
        let request = NotificationRequest(
            source: "test:\(stamp):\(UUID().uuidString.prefix(8).lowercased())", target: name, title: "Gateway test",
            text: "A test notification from the town \(town.name(config)) (\(stamp)). If you read this, the target \"\(name)\" works.")
        let outcome = try await NotifyService(environment: environment, town: town, settings: config.notify)
            .send(request, timeout: timeout.duration.seconds)
        if json.json {
            environment.output.line(try JSONOutput.render(OutboxRow(outcome.entry, status: outcome.status)))
        } else {
            environment.output.line(NotifyRendering.describe(outcome))
        }
        try NotifyRendering.check(outcome)
    }
}
