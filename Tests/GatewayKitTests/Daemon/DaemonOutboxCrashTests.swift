import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The daemon killed with SIGKILL while its outbox worker is inside a call to the Bot API: the next
/// daemon resumes, loses nothing, and repeats only the message that was in flight — the one window no
/// client can close — which `gw notify outbox` shows as a possible duplicate.
@Suite(.serialized) struct DaemonOutboxCrashTests {
    @Test func aDaemonKilledMidDeliveryResumesWithADuplicateOnlyInTheWindow() async throws {
        let api = try FakeBotAPI([.ok, .hang(accepting: true)])
        defer { api.stop() }
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, """
            [notify.targets.phone]
            kind = "telegram"
            chat_id = 7
            token_env = "TG_TOKEN"
            api_base = "\(api.baseURL)"
            timeout = "10m"
            """)
        defer { town.close() }
        setenv("TG_TOKEN", fakeToken, 1)
        let first = try town.spawnDaemon()
        let ledger = try town.ledger()
        try await town.wait("the pid file") { DaemonPidFile.runningPid(town.town) == first.pid ? true : nil }
        await #expect(try town.gw(["notify", "send", "--target", "phone", "one"]).status == 0)
        try await town.wait("one delivered") { try await ledger.outboxEntries(limit: 100_000).first?.state == .delivered ? true : nil }
        await #expect(try town.gw(["notify", "send", "--target", "phone", "two"]).status == 0)
        // The call's timeout is ten minutes: only the kill ends it, however late this test goes on.
        #expect(await api.waitForHang())
        first.signal(SIGKILL)
        _ = try await first.wait()
        api.release()

        let second = try town.spawnDaemon()
        await #expect(try town.gw(["notify", "send", "--target", "phone", "three"]).status == 0)
        try await town.wait("everything delivered") {
            let states = try await ledger.outboxEntries(limit: 100_000).map(\.state)
            return states.count == 3 && states.allSatisfy { $0 == .delivered } ? true : nil
        }
        second.signal(SIGTERM)
        #expect(try await second.wait() == 0)

        let texts = api.accepted.map(\.text)
        #expect(texts.filter { $0.hasSuffix("\none") }.count == 1)
        #expect(texts.filter { $0.hasSuffix("\ntwo") }.count == 2, "the message in flight at the kill, sent again")
        #expect(texts.filter { $0.hasSuffix("\nthree") }.count == 1)
        let listing = try await town.gw(["notify", "outbox"])
        #expect(listing.stdout.contains("possible duplicate (1 interrupted call)"))
    }
}
