import Foundation
import GatewayCore
import GatewayAgents
import GatewayHeartbeat
import GatewayWork

/// What `gw status` reports. Later features fill their own sections.
public struct TownStatus: Sendable, Codable, Equatable {
    public struct TownSection: Sendable, Codable, Equatable {
        public var name: String
        public var path: String
        public var id: String
        public var tmuxSocket: String
    }

    public struct MayorSection: Sendable, Codable, Equatable {
        /// `running` or `stopped`.
        public var state: String
        public var agent: String
    }

    public struct DaemonSection: Sendable, Codable, Equatable {
        public var running: Bool
        public var pid: Int32?
        /// How long the running daemon has been up (from its pid file's time).
        public var uptimeSeconds: Int?
    }

    public struct HeartbeatSection: Sendable, Codable, Equatable {
        /// nil when the heartbeat is off.
        public var every: String?
        /// `08:00-23:00 Asia/Shanghai`, or nil when always active.
        public var activeHours: String?
    }

    public struct ConvoysSection: Sendable, Codable, Equatable {
        public var open: Int
        /// The most recent convoys, newest first.
        public var recent: [String]
    }

    public struct OutboxSection: Sendable, Codable, Equatable {
        /// Rows by state over the whole outbox: pending, sending, uncertain, delivered, failed.
        public var counts: [String: Int]
    }

    public struct LedgerSection: Sendable, Codable, Equatable {
        public var path: String
        public var migrations: [String]
    }

    public var town: TownSection
    public var rigs: [RigInfo]
    public var mayor: MayorSection
    public var daemon: DaemonSection
    public var heartbeat: HeartbeatSection
    public var convoys: ConvoysSection
    public var outbox: OutboxSection
    public var ledger: LedgerSection
    /// What the budgets pause now; nil when no budget is set.
    public var budget: BudgetSection?

    public struct BudgetSection: Sendable, Codable, Equatable {
        public struct Paused: Sendable, Codable, Equatable {
            public var source: String
            public var because: String
            public var until: Date
        }
        public var paused: [Paused]
        public var resumedUntil: Date?
    }
}

public struct TownStatusReader: Sendable {
    let environment: GatewayEnvironment
    let town: Town

    public init(environment: GatewayEnvironment, town: Town) {
        self.environment = environment
        self.town = town
    }

    public func read() async throws -> TownStatus {
        let config = try town.loadConfig()
        let rigs = try RigManager(environment: environment, town: town).list()
        let ledger = try Ledger.openForReading(file: town.ledgerFile)
        return TownStatus(
            town: .init(name: town.name(config), path: town.root.path, id: town.id, tmuxSocket: town.tmuxSocket),
            rigs: rigs,
            mayor: .init(state: await mayorRunning(config) ? "running" : "stopped", agent: config.mayor.agent),
            daemon: daemonSection(),
            heartbeat: .init(every: config.heartbeat.every?.description, activeHours: config.heartbeat.activeHours.map(Self.describe)),
            convoys: try await convoysSection(ledger),
            outbox: .init(counts: try await ledger.outboxStateCounts()),
            ledger: .init(path: town.ledgerFile.path, migrations: try await ledger.appliedMigrations()),
            budget: try await budgetSection(config, ledger))
    }

    /// The budgets' pauses from the usage recorded so far (a status only reads: the daemon and `gw usage`
    /// read the transcripts).
    private func budgetSection(_ config: GatewayConfig, _ ledger: Ledger) async throws -> TownStatus.BudgetSection? {
        guard !config.budget.isEmpty else { return nil }
        let status = try await BudgetCheck(environment: environment, config: config).status(ledger: ledger, collect: false)
        return .init(paused: status.pauses.map { .init(source: $0.source, because: $0.because, until: $0.until) }, resumedUntil: status.resumedUntil)
    }

    private func mayorRunning(_ config: GatewayConfig) async -> Bool {
        await AgentLifecycle(runtime: .mayor(environment: environment, town: town, config: config)).isRunning()
    }

    private func convoysSection(_ ledger: Ledger) async throws -> TownStatus.ConvoysSection {
        let recent = try await ledger.convoys(limit: 3)
        return .init(open: try await ledger.openConvoyCount(),
                     recent: recent.map { "\($0.id) \($0.kind): \($0.title) (\($0.counts.done + $0.counts.failed + $0.counts.skipped)/\($0.counts.total) ended)" })
    }

    private func daemonSection() -> TownStatus.DaemonSection {
        let pid = DaemonPidFile.runningPid(town)
        let started = pid == nil ? nil : DaemonPidFile.startedAt(town)
        return .init(running: pid != nil, pid: pid,
                     uptimeSeconds: started.map { max(0, Int(environment.clock.now().timeIntervalSince($0))) })
    }

    static func describe(_ hours: ActiveHours) -> String {
        "\(hours.start)-\(hours.end) \(hours.timeZone?.identifier ?? "system zone")"
    }
}
