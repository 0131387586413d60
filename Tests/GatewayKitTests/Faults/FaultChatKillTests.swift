import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayAgents
@testable import GatewayChat
import GatewayHooks
import GatewayTestSupport

/// Fault scenario `chat-kill`: the real `gw daemon run` polling a fake Bot API, its Mayor on gw-agent-sim
/// (an instant echo), while the owner writes message after message — killed with SIGKILL at seeded
/// random moments and started again: holding a poll, just after messages reach the fake, while a chat
/// turn is in flight, and while an answer's call to sendMessage is in flight. At the end, read back from
/// the ledger, the Mayor's own UserPromptSubmit hooks and what the fake accepted: every message reached
/// the Mayor in exactly one turn and was typed to it once, every turn's answer came back to the chat,
/// and an answer came twice only when its outbox row records the interrupted call (the acceptance
/// window no client can close, counted apart).
@Suite(.serialized) struct FaultChatKillTests {
    static let owner = ChatInboxTests.owner
    /// A message saying "linger" keeps its turn in flight long enough to kill the daemon under it.
    static let rules = """
        [[rule]]
        match = "linger"
        delay = "1500ms"
        """

    /// Where a kill falls.
    enum Moment: CaseIterable {
        case holdingAPoll, justDelivered, turnInFlight, answerInFlight
    }

    /// A word no other message's text contains, so a turn's text and an answer name their messages.
    static func tag(_ number: Int) -> String { "note\(String(format: "%03d", number))x" }
    static func messageId(_ number: Int) -> Int64 { Int64(100 + number) }

    @Test func aDaemonKilledAtRandomNeitherLosesNorDoublesAChatMessage() async throws {
        var tally = FaultTally("chat-kill")
        var random = FaultPlan.generator()
        tally.seed = random.seed
        let total = FaultPlan.trials(short: 20, full: 100)
        let held = HeldAnswers()
        // An answer's first call is held when the test asked for it: `.slow` takes the message and then
        // keeps the call open (a kill then lands in the acceptance window), `.stall` keeps it open
        // without taking it (a kill then must lead to exactly one delivery).
        let api = try FakeBotAPI { text, earlier in earlier == 0 ? held.behaviour(for: text) : .ok }
        defer { api.stop() }
        let state = TemporaryDirectory("gw-chat-state")
        let town = try await TestTown(.sim(rules: Self.rules), config: TestTown.quickMayor, TestTown.quickDaemon, ChatDaemonTests.chat(api))
        defer { town.close() }
        let variables = ["GW_TEST_BOT_TOKEN": fakeToken, "XDG_STATE_HOME": state.url.path]
        let ledger = try town.ledger()

        var pollsAtSpawn = api.offsetsPolled.count
        var daemon = try town.spawnDaemon(variables: variables)
        var moments: [Moment: Int] = [:]
        var next = 1
        do {
            while next <= total {
                let batch = next...min(total, next + Int.random(in: 0...2, using: &random))
                next = batch.upperBound + 1
                let moment = Moment.allCases.randomElement(using: &random)!
                func messages(linger: Bool = false) -> [[String: Any]] {
                    batch.map { ChatInboxTests.message(Self.messageId($0), from: Self.owner, text: "\(linger && $0 == batch.lowerBound ? "linger, " : "")please file \(Self.tag($0))") }
                }
                switch moment {
                case .holdingAPoll:
                    // Killed while its long poll is open; the messages reach Telegram while no daemon runs.
                    try await town.wait("a poll from the daemon") { api.offsetsPolled.count > pollsAtSpawn ? true : nil }
                    try await kill(&daemon, tally: &tally)
                    api.deliver(messages())
                case .justDelivered:
                    api.deliver(messages())
                    // The moment itself is the fault: anywhere from the poll's answer to the turn's queueing.
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...80, using: &random)))
                    try await kill(&daemon, tally: &tally)
                case .turnInFlight:
                    api.deliver(messages(linger: true))
                    let first = Self.tag(batch.lowerBound)
                    try await town.wait("a turn carrying \(first) in flight") { () -> Bool? in
                        let working = try await ledger.chatTurnsInFlight()
                        if !working.isEmpty { return true }
                        // Missed (a loaded machine polls slowly): the kill falls after the answer instead.
                        return try await ledger.recentTurns(agent: Hook.mayor, limit: 20).contains { $0.text.contains(first) && $0.state.hasEnded } ? true : nil
                    }
                    try await kill(&daemon, tally: &tally)
                case .answerInFlight:
                    let last = Self.tag(batch.upperBound)
                    held.hold(last, taking: Bool.random(using: &random))
                    api.deliver(messages())
                    try await town.wait("the answer carrying \(last) at sendMessage") { api.all.contains { $0.text.contains(last) } ? true : nil }
                    try await kill(&daemon, tally: &tally)
                }
                moments[moment, default: 0] += 1
                pollsAtSpawn = api.offsetsPolled.count
                daemon = try town.spawnDaemon(variables: variables)
                if tally.failures >= 3 { break }
            }
            try await town.wait("every message handled and every answer delivered", timeout: 240) {
                try await Self.quiet(ledger, messages: next - 1) ? true : nil
            }
        } catch {
            tally.fail("\(error)")
        }
        try await town.wait("the last daemon's pid file") { DaemonPidFile.runningPid(town.town) == daemon.pid ? true : nil }
        daemon.signal(SIGTERM)
        let exit = try await daemon.wait()
        if exit != 0 { tally.fail("the last daemon exited \(String(describing: exit)) after SIGTERM") }

        try await count(messages: next - 1, town: town, ledger: ledger, api: api, into: &tally)
        print("chat-kill: kills \(moments.sorted { "\($0.key)" < "\($1.key)" }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); \(api.accepted.count) messages accepted by the fake")
        tally.finish()
    }

    /// SIGKILL; only a kill that met a running daemon counts as a fault injected.
    func kill(_ daemon: inout ChildProcess, tally: inout FaultTally) async throws {
        daemon.signal(SIGKILL)
        let code = try await daemon.wait()
        if code == 128 + SIGKILL {
            tally.faults += 1
        } else {
            tally.fail("a daemon exited \(String(describing: code)) before it was killed:\n\(daemon.output.suffix(2000))")
        }
    }

    /// Every message stored and handled, every turn ended and answered, every outbox row settled.
    static func quiet(_ ledger: Ledger, messages: Int) async throws -> Bool {
        let handled = try await ledger.chatUpdates(bot: FakeBotAPI.botId, state: .handled, limit: 100_000)
        guard handled.count == messages else { return false }
        guard try await ledger.recentTurns(agent: Hook.mayor, limit: 100_000).allSatisfy(\.state.hasEnded) else { return false }
        guard try await ledger.chatTurnsToAnswer().isEmpty else { return false }
        return try await ledger.outboxEntries(limit: 100_000).allSatisfy { $0.state == .delivered || $0.state == .failed }
    }

    /// Counts losses and duplicates from what really happened.
    func count(messages: Int, town: TestTown, ledger: Ledger, api: FakeBotAPI, into tally: inout FaultTally) async throws {
        tally.trials = messages
        let turns = try await ledger.recentTurns(agent: Hook.mayor, limit: 100_000).filter { $0.source == Turn.chatSource }
        // What the Mayor itself was given: the prompt of each UserPromptSubmit its hooks recorded.
        let typed = try await ledger.events(agent: Hook.mayor).filter { $0.event == .userPromptSubmit }.map(\.payload)
        guard messages > 0 else { return }
        for number in 1...messages {
            let tag = Self.tag(number)
            let carrying = turns.filter { $0.text.contains(tag) }
            if carrying.isEmpty { tally.lose("\(tag) is in no Mayor turn") }
            if carrying.count > 1 { tally.duplicate("\(tag) is in turns \(carrying.map(\.id))", count: carrying.count - 1) }
            let prompts = typed.filter { $0.contains(tag) }.count
            if prompts == 0 { tally.lose("\(tag) never reached the Mayor (in turn \(carrying.map(\.id)), \(carrying.first.map { "\($0.state.rawValue) \($0.error ?? "")" } ?? "none"))") }
            if prompts > 1 { tally.duplicate("\(tag) was typed to the Mayor \(prompts) times", count: prompts - 1) }
        }
        // Each turn's answer is a reply to its last message: one per turn, two only in the window.
        let entries = try await ledger.outboxEntries(limit: 100_000)
        var window = 0
        for turn in turns {
            guard let chat = try await ledger.chatTurn(turn.id) else { continue }
            if turn.state != .done { tally.fail("turn \(turn.id) ended \(turn.state.rawValue): \(turn.error ?? "")") }
            let answers = api.accepted.filter { $0.replyTo == chat.replyTo && $0.chatID == String(Self.owner) }
            let tags = (1...messages).map(Self.tag).filter { turn.text.contains($0) }
            if answers.isEmpty { tally.lose("turn \(turn.id) (\(tags.joined(separator: " "))) was never answered in the chat", count: tags.count) }
            if let answer = answers.first, let missing = tags.first(where: { !answer.text.contains($0) }) {
                tally.fail("turn \(turn.id)'s answer does not carry \(missing): \(answer.text.prefix(300))")
            }
            guard answers.count > 1 else { continue }
            let rows = entries.filter { $0.source == "chat-answer:\(turn.id)" }
            let interrupted = rows.map(\.interruptions).reduce(0, +)
            let inWindow = min(answers.count - 1, interrupted)
            window += inWindow
            if answers.count - 1 > inWindow {
                let detail = rows.map { "#\($0.id): \($0.state.rawValue), attempts \($0.attempts), interruptions \($0.interruptions)" }.joined(separator: "; ")
                tally.duplicate("turn \(turn.id) was answered \(answers.count) times (\(interrupted) interrupted calls; \(detail))", count: answers.count - 1 - inWindow)
            }
        }
        tally.duplicatedInWindow = ["telegram": window]
    }
}

/// The tags whose answer's first call the fake holds open, and whether it takes the message first.
final class HeldAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var tags: [String: Bool] = [:]

    func hold(_ tag: String, taking: Bool) { lock.withLock { tags[tag] = taking } }

    /// Long enough that the kill lands inside the call; the next daemon sends it again.
    func behaviour(for text: String) -> FakeBotAPI.Behaviour {
        lock.withLock {
            guard let taking = tags.first(where: { text.contains($0.key) })?.value else { return .ok }
            return taking ? .slow(seconds: 5) : .stall(seconds: 5)
        }
    }
}
