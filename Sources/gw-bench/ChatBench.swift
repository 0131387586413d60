import Foundation
import GatewayKit
import GatewayCore
import GatewayAgents
import GatewayChat

/// A chat round trip on the real Claude Code (GW_CLAUDE_BIN) with an instant model (gw-model-sim): from
/// a fake Bot API on loopback answering the daemon's long poll with the owner's message to the Mayor's
/// answer accepted by that fake's sendMessage — beside `gw mayor send --wait` on the same town, daemon,
/// Mayor and model, the two alternating round by round. What the chat adds (the poll's answer stored,
/// the turn queued under its header, the answer through the outbox) is the difference of the p50s;
/// limit: at most 150 ms more.
struct ChatBench: BenchSuite {
    let name = "chat"
    var rounds: Int { Bench.quick ? 8 : 30 }
    static let owner: Int64 = 111

    func run(_ reporter: BenchReporter) async throws {
        guard let claude = ProcessInfo.processInfo.environment["GW_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: claude) else {
            return reporter.note("chat: skipped — set GW_CLAUDE_BIN (scripts/bench fetches it)")
        }
        let base = try Bench.scratch(name)
        defer { try? FileManager.default.removeItem(at: base) }
        let model = try ModelSimRunner(logDirectory: base)
        defer { model.stop() }
        let api = try BenchBotAPI()
        defer { api.server.stop() }
        let gw = Bench.product("gw")
        let town = Town(root: base.appendingPathComponent("town"))
        try Bench.run(gw, ["install", town.root.path])
        defer { Bench.killTmuxServer(town.tmuxSocket) }
        let profile = try BenchClaude.profile(command: claude, home: base.appendingPathComponent("claude-config"), modelURL: model.baseURL)
        try """
            [town]
            name = "bench"
            [mayor]
            agent = "claude"
            [heartbeat]
            every = "off"
            [chat.telegram]
            token_env = "GW_BENCH_BOT_TOKEN"
            api_base = "\(api.server.baseURL)"
            allow = [\(Self.owner)]
            \(profile)
            """.write(to: town.configFile, atomically: true, encoding: .utf8)
        // The bot's machine-wide poll lock goes under the scratch folder, not the user's state folder.
        let variables = ["GW_BENCH_BOT_TOKEN": "\(BenchBotAPI.botId):bench-token", "XDG_STATE_HOME": base.appendingPathComponent("state").path]
        try Bench.run(gw, ["daemon", "start", "--town", town.root.path], environment: variables)
        defer { try? Bench.run(gw, ["daemon", "stop", "--town", town.root.path], environment: variables) }
        try await waitUntil("the daemon's first poll", timeout: 120) { api.holdingPoll }

        let ledger = try Ledger(file: town.ledgerFile)
        var chatTimes: [Double] = []
        var sendTimes: [Double] = []
        var parts: [[Double]] = [[], [], []]
        // Round 0 starts the Mayor and warms both paths up; it is not counted.
        for round in 0...rounds {
            // Alternating who goes first, so neither always follows the other's load.
            var sendTime = 0.0
            if round % 2 == 0 { sendTime = try sendWait(gw, town: town, round: round, variables: variables) }
            try await waitUntil("the daemon's next poll", timeout: 60) { api.holdingPoll }
            // The outbox sends at most one message a second to a chat (Telegram's limit): a message
            // written sooner after the last answer would measure that wait, not the chat's path.
            if let last = api.replyTime(to: Self.messageId(round - 1)) {
                let free = last.addingTimeInterval(1.1).timeIntervalSinceNow
                if free > 0 { try await Task.sleep(for: .milliseconds(Int(free * 1000))) }
            }
            let start = Date()
            let chatTime = try await chatTurn(api, round: round, start: start)
            if round % 2 == 1 { sendTime = try sendWait(gw, town: town, round: round, variables: variables) }
            guard round > 0 else { continue }
            chatTimes.append(chatTime)
            sendTimes.append(sendTime)
            // Where the chat's time goes, from the ledger's own stamps.
            if let update = try await ledger.recentChatUpdates(limit: 5).first(where: { $0.updateId == Self.messageId(round) }),
               let turnId = update.turnId, let turn = try await ledger.turn(turnId), let sent = turn.sentAt {
                // The answer leaves once the reply is stored, before the turn's bookkeeping ends it.
                let stamps = [start, update.receivedAt, sent, start.addingTimeInterval(chatTime / 1000)]
                for index in 0..<3 { parts[index].append(stamps[index + 1].timeIntervalSince(stamps[index]) * 1000) }
            }
        }
        let send = Bench.percentile(sendTimes, 50)
        let chat = Bench.percentile(chatTimes, 50)
        reporter.report("chat.mayor_send_wait_p50", send, "ms")
        reporter.report("chat.message_to_answer_accepted_p50", chat, "ms", baseline: "chat.mayor_send_wait_p50", limit: .baselinePlus(150))
        reporter.report("chat.message_to_answer_accepted_p95", Bench.percentile(chatTimes, 95), "ms", baseline: "chat.mayor_send_wait_p50")
        if !parts[0].isEmpty {
            reporter.note(String(format: "chat: message → answer, p50 of each part over %d rounds: poll answered → stored %.0f ms; → Enter (turn queued, pasted) %.0f ms; → answer accepted by sendMessage %.0f ms",
                                 parts[0].count, Bench.percentile(parts[0], 50), Bench.percentile(parts[1], 50), Bench.percentile(parts[2], 50)))
        }
        reporter.note(String(format: "chat: the chat adds %+.0f ms at p50 over `gw mayor send --wait` (limit +150 ms) over %d rounds", chat - send, chatTimes.count))
    }

    /// `gw mayor send --wait`, start to exit, in milliseconds.
    func sendWait(_ gw: String, town: Town, round: Int, variables: [String: String]) throws -> Double {
        try Bench.timedRun(gw, ["mayor", "send", "--wait", "--timeout", "60s", "--town", town.root.path, "bench send \(round)"], environment: variables)
    }

    static func messageId(_ round: Int) -> Int64 { Int64(1000 + round) }

    /// One message delivered to the daemon's held poll at `start`; milliseconds until its answer was accepted.
    func chatTurn(_ api: BenchBotAPI, round: Int, start: Date) async throws -> Double {
        let id = Self.messageId(round)
        api.deliver(id: id, from: Self.owner, text: "bench chat \(round)")
        // The fake stamps the answer when it arrives, so how often this looks adds nothing to the figure.
        let answered = try await wait("the answer to chat message \(round)", timeout: 60) { api.replyTime(to: id) }
        return answered.timeIntervalSince(start) * 1000
    }

    private func wait<T>(_ what: String, timeout: TimeInterval, _ probe: () -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = probe() { return value }
            guard Date() < deadline else { throw GatewayError("chat: gave up waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    private func waitUntil(_ what: String, timeout: TimeInterval, _ probe: () -> Bool) async throws {
        _ = try await wait(what, timeout: timeout) { probe() ? true : nil }
    }
}
