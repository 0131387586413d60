import Foundation

// ServiceLifecycle logs every service it starts and stops by its description. A struct's default one
// prints every field — the environment a service holds, with every variable and so any secret the
// daemon was given — into the daemon's log at debug level. These say only what the service is.

extension LedgerBackupService: CustomStringConvertible { public var description: String { "LedgerBackupService" } }
extension ConfigService: CustomStringConvertible { var description: String { "ConfigService" } }
extension OutboxService: CustomStringConvertible { public var description: String { "OutboxService" } }
extension MayorSupervisor: CustomStringConvertible { var description: String { "MayorSupervisor" } }
extension TurnBroker: CustomStringConvertible { var description: String { "TurnBroker" } }
extension PolecatService: CustomStringConvertible { var description: String { "PolecatService" } }
extension SchedulerService: CustomStringConvertible { var description: String { "SchedulerService" } }
extension ChatService: CustomStringConvertible { var description: String { "ChatService" } }
extension ChatConversation: CustomStringConvertible { var description: String { "ChatConversation" } }
