import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents

struct MayorSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Queue a turn for the Mayor; without a daemon this command delivers it itself.",
        discussion: """
            The text arrives as ONE prompt, exactly as written, however many lines it has; `-` reads it from stdin. \
            Control characters other than tab and newline are removed (CR LF becomes LF). Text over 64 KiB is saved \
            as inbox/prompt-<turn>.md in the Mayor's hook and the Mayor is told to read it.

            Text starting with `/`, `!` or `@` would be a Claude Code command, a shell line or a file attachment: \
            Gateway never types those (a command fires no hook, so it could not be confirmed). It refuses such text \
            unless you pass --literal, which sends it as text behind a one-line label. Run commands in the Mayor's \
            own terminal: `gw mayor attach`.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONOption
    @Argument(help: "The prompt, or - to read it from stdin.") var text: String
    @Flag(help: "Wait for the reply and print it; exit non-zero if the turn failed or timed out.") var wait = false
    @Flag(help: "Send text that starts with /, ! or @ as text (behind a one-line label) instead of refusing it.") var literal = false
    @Option(help: "How long to wait for delivery (and, with --wait, for the reply), like 90s or 10m.") var timeout: String = "10m"

    func run() async throws {
        let context = try MayorContext(global)
        guard let limit = ConfigDuration(parsing: timeout) else {
            throw GatewayError.usage("--timeout \"\(timeout)\" is not a duration: write it like 90s, 10m or 1h")
        }
        let prompt = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
        let cleaned = TurnText.clean(prompt)
        guard let first = cleaned.first(where: { !$0.isWhitespace }) else {
            throw GatewayError.usage("the prompt is empty: give the text, or pipe it with `-`")
        }
        if TurnText.startsCommand(cleaned) && !literal {
            throw GatewayError.usage("the prompt starts with \"\(first)\", which Claude Code takes for a command, a shell line or a file attachment; Gateway does not type those (a command fires no hook, so it could not be confirmed). Run it in the Mayor's terminal (`gw mayor attach`), or pass --literal to send it as text")
        }
        let deadline = context.environment.clock.now().addingTimeInterval(limit.seconds)
        let ledger = try context.lifecycle.runtime.openLedger()
        let id = try await ledger.enqueueTurn(agent: "mayor", text: prompt, source: "manual", at: context.environment.clock.now())
        let delivery = TurnDelivery(lifecycle: context.lifecycle)
        try await context.finishLeftReplies(ledger: ledger)
        do {
            // A running daemon is poked and sends it; otherwise this command does, with the same code.
            try await delivery.handOff(.command, deadline: deadline)
        } catch let deferred as DeliveryDeferred {
            guard wait else {
                context.environment.output.errorLine("gw: turn \(id) is queued but not sent yet — the Mayor is \(deferred.reason). It stays queued; the next `gw mayor send` or the daemon sends it.")
                return
            }
            throw GatewayError("turn \(id) was not sent within \(limit) — the Mayor is \(deferred.reason). It stays queued.")
        }
        guard wait else {
            let turn = try await ledger.turn(id)
            if format.json, let turn { return context.environment.output.line(try JSONOutput.render(turn)) }
            if turn?.state == .failed { throw GatewayError("turn \(id) failed: \(turn?.error ?? "unknown error")") }
            return context.environment.output.line("Turn \(id) \(turn?.state == .queued ? "queued for the daemon" : "sent").")
        }
        let turn = try await delivery.waitForEnd(id, timeout: max(1, deadline.timeIntervalSinceNow))
        if format.json { context.environment.output.line(try JSONOutput.render(turn)) }
        switch turn.state {
        case .done:
            if !format.json { context.environment.output.line(turn.reply ?? "") }
        case .failed, .timedOut:
            throw GatewayError("turn \(id) \(turn.state == .failed ? "failed" : "timed out"): \(turn.error ?? "no reason recorded")")
        default:
            throw GatewayError("turn \(id) is still \(turn.state.rawValue) after \(limit); its reply will be in `gw mayor status`")
        }
    }
}
