import Foundation
import Logging
import GatewayAgents
import GatewayChat
import GatewayCore
import GatewayHeartbeat
import GatewayNotify
import GatewayUsage
import GatewayWork

/// Every feature's ledger tables, in the order they were released. A ledger applies the ones it has not
/// yet applied, in this order; a new migration goes at the end.
public enum LedgerSchema {
    public static let migrations: [LedgerMigration] = [
        AgentSchema.agents,
        ConvoySchema.convoys,
        Ledger.heartbeatMarksMigration,
        OutboxSchema.outbox,
        HeartbeatRunSchema.runs,
        PolecatSchema.polecats,
        Ledger.owedTasksMigration,
        AgentSchema.wireText,
        ChatSchema.access,
        ChatSchema.inbound,
        OutboxSchema.replyTo,
        ChatSchema.turns,
        ChatSchema.permissions,
        UsageSchema.usage,
        AgentSchema.limitPause,
        HeartbeatRunSchema.promptSize,
    ]
}

extension Ledger {
    /// Opens the town's ledger with every feature's tables (see `Ledger.init(file:migrations:startingOver:)`).
    public init(file: URL, startingOver: Bool = false) throws {
        try self.init(file: file, migrations: LedgerSchema.migrations, startingOver: startingOver)
    }

    /// The town's ledger for a command that only reads (see `Ledger.openForReading(file:migrations:)`).
    public static func openForReading(file: URL) throws -> Ledger {
        try openForReading(file: file, migrations: LedgerSchema.migrations)
    }
}

extension LedgerAccess {
    /// Ledger access with every feature's tables.
    public static func gateway(singleConnection: Bool = false) -> LedgerAccess {
        LedgerAccess(migrations: LedgerSchema.migrations, singleConnection: singleConnection)
    }
}

extension GatewayEnvironment {
    /// The live world, with the town's ledger opened once and shared.
    public static func live(logger: Logger) -> GatewayEnvironment { live(logger: logger, ledgers: .gateway()) }
}
