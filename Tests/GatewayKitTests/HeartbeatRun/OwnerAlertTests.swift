import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

@Suite struct OwnerAlertTests {
    /// With no chat to ask, the owner is told at once how to answer, and nobody answering denies it.
    @Test func aPermissionRequestFromTheMayorIsQueuedForTheOwner() async throws {
        let fixture = try await TestTown(config: "[heartbeat]\nnotify = [\"terminal\"]", "[notify.targets.terminal]\nkind = \"console\"",
                                         "[watchdog]\npermission_timeout = \"2s\"")
        defer { fixture.close() }
        let town = fixture.town
        let payload = #"{"session_id":"s","hook_event_name":"PermissionRequest","tool_name":"Bash","tool_input":{"command":"rm -rf build"},"future_field":1}"#
        let result = try await runProduct("gw", ["agent-event", "PermissionRequest"], environment: ["GW_TOWN": town.root.path, "GW_AGENT": "mayor"], input: payload)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try await Ledger(file: town.ledgerFile).outboxEntries(limit: 10)
        #expect(entries.count == 1)
        #expect(entries.first?.priority == .urgent)
        #expect(entries.first?.text.contains(#"Bash: {"command":"rm -rf build"}"#) == true)
        #expect(entries.first?.text.contains("gw mayor allow 1") == true)
        #expect(result.stdout.contains(#""behavior":"deny""#) && result.stdout.contains("No answer from the owner within 2s"), "\(result.stdout)")
    }
}
