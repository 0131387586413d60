import Foundation
import GatewayCore

/// Pauses deliveries to an agent that hit a usage or rate limit, and tells the owner once per pause.
/// Its queued turns wait (`TurnDelivery.waiting`), beats wait for the reset and then follow `catch_up`,
/// and nothing is restarted or counted as a crash.
package struct AgentLimitPause {
    let environment: GatewayEnvironment
    let town: Town
    let settings: AgentSettings
    let agent: String
    let ledger: Ledger

    package init(environment: GatewayEnvironment, town: Town, settings: AgentSettings, agent: String, ledger: Ledger) {
        self.environment = environment
        self.town = town
        self.settings = settings
        self.agent = agent
        self.ledger = ledger
    }

    /// Pauses for the limit `report` describes (a hook's message or the screen's line); returns until when.
    /// `seenOnScreen`: a notice still on screen after the pause it caused has run out is old news — the
    /// agent stays on it until its next turn — and pauses nothing again (nil).
    @discardableResult
    package func pause(reporting report: String, seenOnScreen: Bool = false) async throws -> Date? {
        let now = environment.clock.now()
        let line = UsageLimit.limitLine(in: report) ?? String(PlainText.singleLine(report).prefix(200))
        if seenOnScreen, try await ledger.lastLimitReason(agent) == "a usage limit: \(line)" {
            return try await ledger.limitPause(agent, at: now)?.until
        }
        let strikes = try await ledger.limitStrikes(agent) + 1
        let until = UsageLimit.resetTime(in: report, now: now, zone: .current)
            ?? now.addingTimeInterval(UsageLimit.backoff(settings.mayor.limitBackoff, strikes: strikes))
        let reason = "a usage limit: \(line)"
        guard try await ledger.pauseAgentForLimit(agent, until: until, reason: reason) else { return until }
        environment.logger.warning("\(agent) hit a usage limit; deliveries pause until \(UTCStamp.iso8601(until))")
        try await OwnerAlert(runtime: .mayor(environment: environment, town: town, settings: settings), ledger: ledger).send(
            source: "limit:\(agent):\(Int64(until.timeIntervalSince1970))",
            title: "\(agent == "mayor" ? "The Mayor" : agent) hit a usage limit",
            text: "\(line)\nGateway pauses deliveries to it until \(UTCStamp.iso8601(until)) and resumes by itself; nothing is restarted. `gw mayor status` shows the pause.")
        return until
    }
}
