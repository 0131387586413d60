import Foundation
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayHeartbeat
import GatewayTestSupport

extension TestTown {
    /// Beats on gw-agent-sim: the Mayor answers from the rules, and beats notify a console target named
    /// `terminal`.
    static let beatsToTerminal = """
        [mayor]
        submit_timeout = "5s"

        [heartbeat]
        notify = ["terminal"]

        [notify.targets.terminal]
        kind = "console"
        """

    /// A town whose Mayor is gw-agent-sim answering from `rules`, with `heartbeat` as HEARTBEAT.md and
    /// beats notifying `terminal`.
    static func beating(rules: String, heartbeat: String) async throws -> TestTown {
        try await TestTown(.sim(rules: rules), config: beatsToTerminal, heartbeat: heartbeat)
    }

    /// The beat runner as the daemon builds it, started now.
    func runner() -> BeatRunner { BeatRunner(environment: environment, town: town, startedAt: environment.clock.now()) }
}
