import Foundation
import ServiceLifecycle
import GatewayCore
import GatewayUsage

/// Reads the agents' token usage from their transcripts as each turn ends, so `gw usage` and the
/// budgets find it recorded even when a transcript is later cleaned away. Also once an hour, for
/// turns whose end no poke announced (someone typing into a pane).
struct UsageService: Service {
    let events: DaemonEvents
    let environment: GatewayEnvironment
    let town: Town
    static let sweep: TimeInterval = 3600

    func run() async throws {
        let collector = UsageCollector(environment: environment)
        while !DaemonPause.shuttingDown {
            let seen = events.usage.count
            do {
                try await collector.collect(ledger: try environment.ledger(town))
            } catch {
                environment.logger.warning("reading the agents' token usage failed: \(error.userMessage)")
            }
            let next = environment.clock.now().addingTimeInterval(Self.sweep)
            guard await DaemonPause.wait(for: events.usage, after: seen, until: next, on: environment.clock) else { break }
        }
    }
}

extension UsageService: CustomStringConvertible { var description: String { "UsageService" } }
