import ArgumentParser
import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents

/// Started in the background by Gateway (the memory flush) to deliver queued turns once the Mayor is
/// idle; what cannot be delivered in time stays queued for the next delivery. With a daemon running it
/// only pokes it: the daemon's broker is the one that delivers.
struct MayorDeliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Deliver the Mayor's queued turns once it is idle.", shouldDisplay: false)
    @OptionGroup var global: GlobalOptions
    @Option(help: "How long to wait for the Mayor to be idle.") var wait: DurationArgument = .init(.seconds(600))

    func run() async throws {
        let context = try MayorContext(global)
        if DaemonPidFile.runningPid(context.town) == nil, !(await context.lifecycle.isRunning()) {
            return context.environment.output.line("The Mayor is not running; queued turns wait for its start.")
        }
        try await context.finishLeftReplies(ledger: try context.lifecycle.runtime.openLedger())
        do {
            try await TurnDelivery(lifecycle: context.lifecycle).handOff(.command, deadline: context.environment.clock.now().addingTimeInterval(wait.duration.seconds))
        } catch let deferred as DeliveryDeferred {
            context.environment.output.line("Queued turns stay queued: \(deferred.reason)")
        }
    }
}
