@testable import GatewayKit

// Some tests name events as the ledger stores them ("Stop", "UserPromptSubmit"); these read that text
// into the types the code uses.

extension HookEvent {
    init(name: String, json: String) { self.init(name: HookEventName(rawValue: name), json: json) }
}
