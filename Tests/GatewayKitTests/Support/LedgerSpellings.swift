@testable import GatewayKit
@testable import GatewayNotify
@testable import GatewayAgents
import GatewayTestSupport

// Some tests name events and priorities as the ledger stores them ("Stop", "urgent"); these read that
// text into the types the code uses.

extension HookEvent {
    init(name: String, json: String) { self.init(name: HookEventName(rawValue: name), json: json) }
}

func == (priority: NotificationPriority?, stored: String) -> Bool { priority?.rawValue == stored }
