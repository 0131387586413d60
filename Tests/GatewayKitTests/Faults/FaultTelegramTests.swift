import Foundation
import Testing
@testable import GatewayKit
import GatewayTestSupport

/// Scenario 3: the Bot API fails about 30% of calls at random — 429 with retry_after, 5xx, and
/// timeouts that happen before the server takes the message — while the outbox worker (as `gw notify
/// send` runs it) delivers many messages to two chats at once. Read back from the fake's log: every message arrives exactly once, and each
/// chat gets its messages in the order they were queued.
@Suite struct FaultTelegramTests {
    /// The client's timeout (the target's `timeout`); a stalled call outlasts it.
    static let timeout = 2.0

    @Test func everyMessageArrivesOnceThroughAFlakyBotAPI() async throws {
        var tally = FaultTally("telegram-flaky")
        var random = FaultPlan.generator()
        tally.seed = random.seed
        let count = FaultPlan.trials(short: 20, full: 300)
        let tags = (0..<count).map { String(format: "flaky-%04d", $0) }
        // Each message's answers, attempt by attempt, drawn up front from the seed: the run replays the
        // same faults however the two chats' calls interleave. The first three start with one fault of
        // each kind, so even the short form meets them all.
        let kinds: [FakeBotAPI.Behaviour] = [.tooManyRequests(retryAfter: 1), .serverError(500), .stall(seconds: Self.timeout + 1.5)]
        let plans = Dictionary(uniqueKeysWithValues: tags.enumerated().map { index, tag in
            (tag, (index < kinds.count ? [kinds[index]] : []) + Self.drawAnswers(using: &random))
        })
        let api = try FakeBotAPI { text, earlier in
            let plan = plans[DeliveryCount.tag(text)] ?? []
            return earlier < plan.count ? plan[earlier] : .ok
        }
        defer { api.stop() }
        let rig = try await NotifyTestRig(Self.toml(api.baseURL), variables: ["TG_TOKEN": fakeToken])
        var ids: [Int64] = []
        var sentTo: [String: [String]] = [:]
        for (index, tag) in tags.enumerated() {
            let chat = index.isMultiple(of: 2) ? "phone" : "team"
            ids.append(try await rig.enqueue("fault:\(tag)", target: chat, text: tag).id)
            sentTo[chat, default: []].append(tag)
        }

        // The worker delivers until every row is delivered or failed; the deadline only stops a run that
        // hangs, so it is far past what the faults cost (about 30 s in the short form), for a loaded machine.
        let final = try await rig.deliver(ids, within: FaultPlan.isFull ? 1800 : 600)
        tally.trials = count
        tally.faults = api.all.count { !$0.accepted }
        for entry in final where entry.state != .delivered {
            tally.fail("\(entry.source) ended \(entry.state.rawValue): \(entry.lastError ?? "no error recorded")")
        }
        let accepted = api.accepted
        DeliveryCount.tally(accepted.map { DeliveryCount.tag($0.text) }, sent: tags, channel: "telegram", into: &tally)
        for (chat, chatID) in [("phone", "4242"), ("team", "77")] {
            let arrivals = accepted.filter { $0.chatID == chatID }.map { DeliveryCount.tag($0.text) }
            DeliveryCount.checkOrder(arrivals, sent: sentTo[chat] ?? [], channel: "telegram \(chat)", into: &tally)
        }
        // The faults really reached the client: a run without them would prove nothing.
        if tally.faults < kinds.count { tally.fail("only \(tally.faults) calls failed: the fault plan did not take effect") }
        tally.finish()
    }

    /// Up to five answers for one message: each attempt fails with probability 0.3 (a third each 429,
    /// 5xx, a stall past the client's timeout); the first success ends the plan (later calls get ok).
    static func drawAnswers(using random: inout SeededGenerator) -> [FakeBotAPI.Behaviour] {
        var answers: [FakeBotAPI.Behaviour] = []
        while answers.count < 5, Double.random(in: 0..<1, using: &random) < 0.3 {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: answers.append(.tooManyRequests(retryAfter: 1))
            case 1: answers.append(.serverError([500, 502, 503].randomElement(using: &random) ?? 500))
            default: answers.append(.stall(seconds: timeout + 1.5))
            }
        }
        return answers
    }

    /// Two chats on one fake Bot API; attempts enough that five failures in a row never give up.
    static func toml(_ api: String) -> String {
        let target = { (name: String, chat: Int) in
            """
            [notify.targets.\(name)]
            kind = "telegram"
            chat_id = \(chat)
            token_env = "TG_TOKEN"
            api_base = "\(api)"
            timeout = "\(Int(timeout))s"

            """
        }
        return """
            [notify]
            max_attempts = 10
            backoff = "100ms"
            max_backoff = "1s"

            """ + target("phone", 4242) + target("team", 77)
    }
}
