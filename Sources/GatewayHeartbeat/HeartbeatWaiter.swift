import Foundation
import GatewayCore
import GatewayAgents
import GatewayWork

/// Waits for one beat to finish (`gw heartbeat now --wait`, the demo) and describes what became of it.
public struct HeartbeatWaiter: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let runner: BeatRunner

    public init(environment: GatewayEnvironment, town: Town, runner: BeatRunner) {
        self.environment = environment
        self.town = town
        self.runner = runner
    }

    public struct Report: Sendable {
        public var text: String
        public var summary: String
        public var failed: Bool
        public var turn: Turn?
        public var convoy: Convoy?
    }

    public func waitForBeat(_ beatId: Int64, timeout: TimeInterval) async throws -> Report {
        let ledger = try environment.ledger(town)
        let clock = environment.clock
        // The Mayor's reply reaches the ledger through its hooks, in other processes: polled.
        let handled = try await clock.poll(every: .milliseconds(100), until: clock.now().addingTimeInterval(timeout)) { () async throws -> HeartbeatRun? in
            guard var run = try await ledger.heartbeatRun(beatId: beatId) else { throw GatewayError("beat \(beatId) has no run in the ledger") }
            if run.state != "handled", let turn = try await ledger.turn(run.turnId), turn.state.hasEnded {
                try await runner.handleFinished()
                run = try await ledger.heartbeatRun(beatId: beatId) ?? run
            }
            return run.state == "handled" ? run : nil
        }
        if let handled { return try await report(handled, ledger: ledger) }
        throw GatewayError("beat \(beatId) did not finish within \(Int(timeout)) s; `gw heartbeat history` and `gw mayor status` show where it is")
    }

    func report(_ run: HeartbeatRun, ledger: Ledger) async throws -> Report {
        let turn = try await ledger.turn(run.turnId)
        let convoy = try await ledger.convoy(run.convoyId)
        var lines = ["Beat \(run.beatId): \(run.summary ?? "")"]
        for item in convoy?.items ?? [] {
            lines.append("  \(item.title): \(item.state.rawValue)\(item.summary.map { " — \($0.prefix(120))" } ?? "")\(item.result.map { " [\($0.branch) \($0.commit.prefix(10))]" } ?? "")")
        }
        let failed = turn?.state != .done
        return Report(text: lines.joined(separator: "\n"), summary: run.summary ?? "", failed: failed, turn: turn, convoy: convoy)
    }
}

/// What `gw heartbeat status` shows.
public struct HeartbeatStatus: Sendable, Codable {
    public var every: String?
    public var nextBeat: String?
    public var daemonRunning: Bool
    public var lastBeat: String?
}

public struct HeartbeatStatusReader: Sendable {
    let environment: GatewayEnvironment
    let town: Town
    let settings: HeartbeatSettings

    public init(environment: GatewayEnvironment, town: Town, settings: HeartbeatSettings) {
        self.environment = environment
        self.town = town
        self.settings = settings
    }

    public func read() async throws -> HeartbeatStatus {
        let ledger = try environment.ledger(town)
        let marks = try await ledger.loadHeartbeatMarks()
        let document = (try? HeartbeatDocument.load(from: town.heartbeatFile)) ?? HeartbeatDocument(exists: false)
        let scheduler = HeartbeatScheduler(settings: settings, document: document, startedAt: environment.clock.now())
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = settings.timeZone()
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        let next = scheduler.nextBeat(after: environment.clock.now(), marks: marks).map(formatter.string(from:))
        var last: String?
        if let beat = try await ledger.heartbeatHistory(limit: 1).first {
            let run = try await ledger.heartbeatRun(beatId: beat.id)
            last = "\(formatter.string(from: beat.time)) \(beat.outcome)" + (beat.outcome == "ran" ? ": \(run?.summary ?? "waiting for the reply")" : ": \(beat.detail ?? "")")
        }
        return HeartbeatStatus(every: settings.every?.description, nextBeat: next,
                               daemonRunning: DaemonPidFile.runningPid(town) != nil, lastBeat: last)
    }
}
