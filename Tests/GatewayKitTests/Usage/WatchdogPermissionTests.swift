import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayChat
import GatewayTestSupport

/// Permission requests with no chat to answer them, the Mayor played by gw-agent-sim: the owner is told
/// at once how to answer, `gw mayor allow|deny` answers from the terminal, and nobody answering denies
/// the request at `[watchdog] permission_timeout` — the turn goes on either way, nothing hangs.
@Suite(.serialized) struct WatchdogPermissionTests {
    static let rules = ChatPermissionTests.rules
    static let alerts = "[heartbeat]\nurgent = [\"log\"]\n\n[notify.targets.log]\nkind = \"console\""

    func town(timeout: String) async throws -> TestTown {
        try await TestTown(.sim(rules: Self.rules), config: TestTown.quickMayor, "[watchdog]\npermission_timeout = \"\(timeout)\"", Self.alerts)
    }

    /// Sends the prompt that asks for permission, and waits until the request is recorded (the first of
    /// the town; with a short timeout it may have been denied already when the test looks).
    func ask(_ town: TestTown) async throws -> (ChildProcess, ChatPermission) {
        let send = try ChildProcess(try builtProduct("gw").path, ["mayor", "send", "--wait", "--timeout", "90s", "--town", town.town.root.path, "use bash"],
                                    environment: town.variables, output: town.directory.path("send-\(UUID().uuidString.prefix(6)).out"))
        let request = try await town.wait("the permission request") { try await town.ledger().chatPermission(1) }
        return (send, request)
    }

    @Test func denyFromTheTerminalAndTheTurnGoesOn() async throws {
        let town = try await town(timeout: "10m")
        defer { town.close() }
        let (send, request) = try await ask(town)
        let alert = try await town.wait("the owner told how to answer") {
            try await town.ledger().outboxEntries(limit: 20).first { $0.source == "permission:mayor:\(request.id)" }
        }
        #expect(alert.text.contains("gw mayor allow \(request.id)") && alert.text.contains("gw mayor deny \(request.id)"), "\(alert.text)")
        #expect(alert.text.contains("rm -rf build && echo <done>"))
        let denied = try await town.gwOK(["mayor", "deny"])
        #expect(denied.contains("Denied request \(request.id)"))
        #expect(try await send.wait() == 0)
        let turn = try #require(try await town.turns().first)
        #expect(turn.state == .done, "the turn went on after the denial")
        #expect(try await town.ledger().chatPermission(request.id)?.state == .denied)
        let again = try await town.gw(["mayor", "allow", "\(request.id)"])
        #expect(again.status != 0 && again.stderr.contains("already denied"), "\(again.stderr)")
    }

    @Test func allowFromTheTerminal() async throws {
        let town = try await town(timeout: "10m")
        defer { town.close() }
        let (send, request) = try await ask(town)
        try await town.gwOK(["mayor", "allow", "\(request.id)"])
        #expect(try await send.wait() == 0)
        #expect(try await town.turns().first?.reply == "Ran it.")
    }

    @Test func nobodyAnsweringDeniesAtTheTimeout() async throws {
        let town = try await town(timeout: "2s")
        defer { town.close() }
        let (send, request) = try await ask(town)
        #expect(try await send.wait() == 0)
        #expect(try await town.ledger().chatPermission(request.id)?.state == .timedOut)
        #expect(try await town.turns().first?.state == .done, "denied, and the turn went on")
        for bad in [["mayor", "allow"], ["mayor", "deny", "99999"], ["mayor", "allow", "-1"], ["mayor", "deny", "1;rm"]] {
            let result = try await town.gw(bad)
            #expect(result.status != 0, "\(bad)")
        }
    }
}
