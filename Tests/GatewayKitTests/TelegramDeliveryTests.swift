import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayNotify
import GatewayCore
import GatewayTestSupport

/// The Telegram notifier and the outbox worker against a fake Bot API on loopback.
@Suite struct TelegramDeliveryTests {
    @Test func deliversEscapedHTMLToTheChat() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL), variables: ["TG_TOKEN": fakeToken])
        let entry = try await rig.enqueue("manual:1", target: "phone", title: "CI <main>", text: "tests & lint > ok")
        let final = try await rig.deliver([entry.id])
        #expect(final.map(\.state) == [.delivered])
        #expect(api.accepted == [.init(token: fakeToken, chatID: "4242", text: "<b>CI &lt;main&gt;</b>\ntests &amp; lint &gt; ok", parseMode: "HTML", accepted: true, messageId: 1000)])
    }

    @Test func a429WaitsForRetryAfterAndDoesNotCountAsAnAttempt() async throws {
        let api = try FakeBotAPI([.tooManyRequests(retryAfter: 1)])
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL, maxAttempts: 1), variables: ["TG_TOKEN": fakeToken])
        let entry = try await rig.enqueue("manual:1", target: "phone", text: "hi")
        let started = Date()
        let final = try await rig.deliver([entry.id])
        #expect(final.first?.state == .delivered)
        #expect(Date().timeIntervalSince(started) >= 0.95)
        #expect(final.first?.attempts == 0)
        #expect(api.all.map(\.accepted) == [false, true])
        #expect(rig.log.text.contains("Telegram rate limit (429), retrying after 1s"))
    }

    @Test func a500IsRetriedWithBackoffThenGivenUpAfterMaxAttempts() async throws {
        let api = try FakeBotAPI([.serverError(500), .serverError(502), .serverError(503), .serverError(500)])
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL, maxAttempts: 3, backoff: "50ms"), variables: ["TG_TOKEN": fakeToken])
        let first = try await rig.enqueue("manual:1", target: "phone", text: "one")
        let second = try await rig.enqueue("manual:2", target: "phone", text: "two")
        let final = try await rig.deliver([first.id, second.id])
        #expect(final.map(\.state) == [.failed, .delivered])
        #expect(final[0].attempts == 3)
        #expect(final[0].lastError == "Telegram answered 503: Internal Server Error (gave up after 3 attempts)")
        // In order: "two" went only after "one" was given up on.
        #expect(api.all.map(\.text) == ["<b>Gateway</b>\none", "<b>Gateway</b>\none", "<b>Gateway</b>\none", "<b>Gateway</b>\ntwo", "<b>Gateway</b>\ntwo"])
        #expect(api.accepted.map(\.text) == ["<b>Gateway</b>\ntwo"])
    }

    @Test func aSlowAnswerTimesOutIsRetriedAndMarkedAsAPossibleDuplicate() async throws {
        let api = try FakeBotAPI([.slow(seconds: 4)])
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL, timeout: "1s"), variables: ["TG_TOKEN": fakeToken])
        let entry = try await rig.enqueue("manual:1", target: "phone", text: "late")
        let final = try await rig.deliver([entry.id])
        #expect(final.first?.state == .delivered)
        #expect(final.first?.attempts == 1)
        // The server took the first call and answered too late: the one window a duplicate can come from.
        #expect(final.first?.interruptions == 1)
        #expect(api.accepted.count == 2)
        #expect(rig.log.text.contains("Telegram did not answer within 1s"))
    }

    @Test func cannotParseEntitiesFallsBackToPlainText() async throws {
        let api = try FakeBotAPI([.parseError])
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL), variables: ["TG_TOKEN": fakeToken])
        let entry = try await rig.enqueue("manual:1", target: "phone", title: "T", text: "a < b")
        #expect(try await rig.deliver([entry.id]).first?.state == .delivered)
        #expect(api.all.map(\.parseMode) == ["HTML", nil])
        #expect(api.accepted.map(\.text) == ["T\na < b"])
    }

    @Test func aLongTextGoesAsPartsAndResumesAfterTheLastRecordedPart() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL), variables: ["TG_TOKEN": fakeToken])
        let paragraph = String(repeating: "news ", count: 700)
        let text = [paragraph, paragraph, paragraph].joined(separator: "\n\n")
        let entry = try await rig.enqueue("heartbeat:r1:news", target: "phone", text: text)
        // As if a worker died after part 1 was accepted and recorded.
        try await rig.ledger.markPartsDone(entry.id, parts: 1, now: Date())
        let final = try await rig.deliver([entry.id])
        #expect(final.first?.state == .delivered)
        #expect(final.first?.partsDone == 3)
        #expect(api.accepted.count == 2)
        #expect(api.accepted.allSatisfy { $0.text.utf16.count < 4096 && !$0.text.hasPrefix("<b>") })
    }

    @Test func aRefusedTokenFailsWithoutShowingIt() async throws {
        let api = try FakeBotAPI([.unauthorized])
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL), variables: ["TG_TOKEN": fakeToken])
        let entry = try await rig.enqueue("manual:1", target: "phone", text: "x")
        let final = try await rig.deliver([entry.id])
        #expect(final.first?.state == .failed)
        #expect(final.first?.lastError?.hasPrefix("Telegram refused the bot token (401: Unauthorized)") == true)
        #expect(!rig.log.text.contains("SECRET"))
        let error = final.first?.lastError ?? ""
        #expect(!error.contains("SECRET"))
    }

    @Test func anUnreachableAPIIsRetriedWithoutLeakingTheTokenInTheURL() async throws {
        // A port bound and never listening (so no other test's server can take it meanwhile): the
        // connection is refused, and a transport error that printed the URL would print the token.
        var closed = try ClosedPort()
        defer { closed.release() }
        let base = "http://127.0.0.1:\(closed.port)"
        let rig = try await NotifyTestRig(telegramTOML(base, maxAttempts: 2, backoff: "10ms"), variables: ["TG_TOKEN": fakeToken])
        let entry = try await rig.enqueue("manual:1", target: "phone", text: "x")
        // Unreachable is an outage, not a refusal: it never uses up max_attempts (2 here).
        var final = try await rig.deliver([entry.id], within: 1)
        for _ in 0..<60 where (final.first?.attempts ?? 0) <= 2 { final = try await rig.deliver([entry.id], within: 1) }
        #expect(final.first?.state == .pending)
        #expect((final.first?.attempts ?? 0) > 2)
        #expect(final.first?.lastError?.contains("Telegram could not be reached") == true)
        #expect(!rig.log.text.contains("SECRET"))
        let error = final.first?.lastError ?? ""
        #expect(!error.contains("SECRET"))
    }

    @Test func aMissingTokenVariableFailsWithTheFix() async throws {
        let api = try FakeBotAPI()
        defer { api.stop() }
        let rig = try await NotifyTestRig(telegramTOML(api.baseURL))
        let entry = try await rig.enqueue("manual:1", target: "phone", text: "x")
        let final = try await rig.deliver([entry.id])
        #expect(final.first?.state == .failed)
        #expect(final.first?.lastError == "notify.targets.phone.token_env: the environment variable TG_TOKEN is not set: export it before running gw (the daemon reads the environment it was started with)")
        #expect(api.all.isEmpty)
    }

    /// On a manual clock: each call's slot is when its sleep ends, stepped by hand to the deadline the
    /// limiter chose, so the spacing is checked exactly and without waiting.
    @Test func theRateLimiterSpacesCallsPerChatAndOverall() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let limiter = RateLimiter(overall: .milliseconds(20), perKey: .milliseconds(200))
        func gaps(_ keys: [String], sleeps: Int) async throws -> [TimeInterval] {
            let calls = Task { () -> [Date] in
                var slots: [Date] = []
                for key in keys {
                    await limiter.waitForSlot(key: key, clock: clock)
                    slots.append(clock.now())
                }
                return slots
            }
            for _ in 0..<sleeps {
                try await clock.waitForSleepers(1)
                clock.set(try #require(clock.sleeperDeadlines.first))
            }
            let slots = await calls.value
            return zip(slots.dropFirst(), slots).map { $0.timeIntervalSince($1) }
        }
        // One chat: the first call goes at once, each later one 200 ms after the one before.
        let perChat = try await gaps(Array(repeating: "a", count: 4), sleeps: 3)
        #expect(perChat.count == 3 && perChat.allSatisfy { abs($0 - 0.2) < 1e-6 }, "\(perChat)")
        // Ten chats: 20 ms apart overall (the first waits out the last call's 20 ms too).
        let overall = try await gaps((0..<10).map { "chat-\($0)" }, sleeps: 10)
        #expect(overall.count == 9 && overall.allSatisfy { abs($0 - 0.02) < 1e-6 }, "\(overall)")
    }
}
