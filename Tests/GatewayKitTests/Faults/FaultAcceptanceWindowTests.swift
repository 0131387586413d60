import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// Scenario 3b: the daemon SIGKILLed on purpose between a server's acceptance of a message and the
/// ledger's commit of that fact — the server has recorded it, its answer has not reached the daemon —
/// for Telegram (fake Bot API), email (a real SMTP server) and a webhook. The next daemon must deliver
/// every message; it may repeat only the one in flight at the kill — for a long Telegram message sent
/// in parts, only the part in flight. The tally reports how often that window produced a duplicate per
/// channel; any other duplicate, or a loss, fails.
@Suite(.serialized) struct FaultAcceptanceWindowTests {
    /// The marker in a message's text (and subject) that makes the server hold it in the window.
    static let marker = "held"

    @Test func killsInTheAcceptanceWindowRepeatOnlyTheMessageInFlight() async throws {
        var tally = FaultTally("acceptance-window")
        var random = FaultPlan.generator()
        tally.seed = random.seed
        let kills = FaultPlan.trials(short: 2, full: 20)
        var window: [String: Int] = [:]
        for channel in WindowChannel.allCases {
            window[channel.rawValue] = try await Self.run(channel, kills: kills, random: &random, tally: &tally)
        }
        tally.duplicatedInWindow = window
        tally.finish()
    }

    /// One town per channel, one daemon after another: each trial queues a few messages before and after
    /// the one the server holds, kills the daemon while it waits for that answer, starts the next daemon
    /// and waits until the ledger says everything is delivered. Returns the duplicates in the window.
    static func run(_ channel: WindowChannel, kills: Int, random: inout SeededGenerator, tally: inout FaultTally) async throws -> Int {
        let files = TemporaryDirectory("gw-window-\(channel.rawValue)")
        let receiver = try await channel.receiver(in: files.url)
        defer { receiver.stop() }
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, receiver.target)
        defer { town.close() }
        // The daemon and gw inherit the test process's environment (as DaemonOutboxCrashTests does).
        setenv("TG_TOKEN", fakeToken, 1)
        let ledger = try town.ledger()
        var daemon = try await start(town)
        var sent: [String] = []
        var messages = 0
        var window: Set<String> = []
        var held: Set<String> = []
        for trial in 0..<kills {
            tally.trials += 1
            let before = Int.random(in: 0...2, using: &random)
            let after = Int.random(in: 0...2, using: &random)
            let heldTag = "\(channel.rawValue)-\(trial)-\(marker)"
            // Every other Telegram trial holds part 2 of a three-part message: part 1 was recorded done,
            // so only part 2 may come again.
            let inParts = channel == .telegram && !trial.isMultiple(of: 2)
            // Those after the held one wait behind it (one target delivers in order): never in flight.
            let tags = (0..<before).map { "\(channel.rawValue)-\(trial)-before-\($0)" } + [heldTag]
                + (0..<after).map { "\(channel.rawValue)-\(trial)-after-\($0)" }
            for tag in tags {
                let text = tag == heldTag && inParts ? Self.threeParts(tag) : tag
                let send = try await town.gw(["notify", "send", "--target", "out", "--title", tag, "--key", tag, text])
                if send.status != 0 { tally.fail("\(channel.rawValue): gw notify send \(tag) failed: \(send.stderr)") }
                sent += tag == heldTag && inParts ? (1...3).map { "\(tag)/p\($0)" } : [tag]
                messages += 1
            }
            window.insert(inParts ? "\(heldTag)/p2" : heldTag)
            held.insert(heldTag)
            guard await receiver.waitForHold() else {
                tally.fail("\(channel.rawValue): the server never received \(heldTag). Daemon log:\n\(town.daemonLog)")
                break
            }
            daemon.signal(SIGKILL)
            let status = try await daemon.wait()
            if status != 128 + SIGKILL {
                tally.fail("\(channel.rawValue): the daemon did not die of SIGKILL (exit \(status.map(String.init) ?? "none within 60 s")). Daemon output:\n\(daemon.output.suffix(2_000))\nDaemon log:\n\(town.daemonLog.suffix(2_000))")
            }
            tally.faults += 1
            try receiver.release()
            daemon = try await start(town)
            try await town.wait("\(channel.rawValue) trial \(trial) delivered", timeout: 120) {
                let entries = try await ledger.outboxEntries(limit: 10_000)
                return entries.count == messages && entries.allSatisfy { $0.state == .delivered } ? true : nil
            }
        }
        daemon.signal(SIGTERM)
        if try await daemon.wait() != 0 { tally.fail("\(channel.rawValue): the daemon did not stop cleanly on SIGTERM") }

        // The ledger must have flagged every message in flight at a kill as a possible duplicate.
        for entry in try await ledger.outboxEntries(limit: 10_000) where held.contains(entry.title) && entry.interruptions == 0 {
            tally.fail("\(channel.rawValue): \(entry.title) was in flight at a kill but is not marked as a possible duplicate")
        }
        let arrivals = try receiver.arrivals()
        DeliveryCount.checkOrder(arrivals, sent: sent, channel: channel.rawValue, into: &tally)
        return DeliveryCount.tally(arrivals, sent: sent, window: window, channel: channel.rawValue, into: &tally)
    }

    /// A text Telegram must send as three messages, each paragraph (one part) starting with `TAG/pN`.
    static func threeParts(_ tag: String) -> String {
        (1...3).map { "\(tag)/p\($0) " + String(repeating: "news ", count: 600) }.joined(separator: "\n\n")
    }

    /// Starts a daemon and waits until it is the one the pid file names (so `gw notify send` queues for it).
    static func start(_ town: TestTown) async throws -> ChildProcess {
        let daemon = try town.spawnDaemon()
        try await town.wait("the daemon's pid file") { DaemonPidFile.runningPid(town.town) == daemon.pid ? true : nil }
        return daemon
    }
}

/// A channel whose server can hold a message it has accepted, and tell what it received.
enum WindowChannel: String, CaseIterable {
    case telegram, email, webhook

    /// The server, started, with the `[notify.targets.out]` table that points at it.
    func receiver(in directory: URL) async throws -> WindowReceiver {
        switch self {
        case .telegram, .webhook:
            // The first call of a held message (of its part 2, when in parts) is recorded as accepted,
            // then left without an answer.
            let marker = FaultAcceptanceWindowTests.marker
            let api = try FakeBotAPI { text, earlier in
                let tag = DeliveryCount.tag(text)
                return (tag.hasSuffix(marker) || tag.hasSuffix("\(marker)/p2")) && earlier == 0 ? .hang(accepting: true) : .ok
            }
            let target = self == .telegram
                ? "kind = \"telegram\"\nchat_id = 7\ntoken_env = \"TG_TOKEN\"\napi_base = \"\(api.baseURL)\""
                : "kind = \"webhook\"\nurl = \"\(api.baseURL)/hook\""
            return WindowReceiver(
                target: Self.table(target), waitForHold: { await api.waitForHang() }, release: { api.release() },
                arrivals: { api.accepted.map { DeliveryCount.tag($0.text) } }, stop: { api.stop() })
        case .email:
            let smtp = try await SMTPDouble(in: directory, arguments: ["--hold", FaultAcceptanceWindowTests.marker])
            let target = """
                kind = "email"
                host = "127.0.0.1"
                port = \(smtp.port)
                tls = "none"
                from = "Gateway <gw@example.com>"
                to = ["owner@example.com"]
                """
            return WindowReceiver(
                target: Self.table(target), waitForHold: { await smtp.waitForHold() }, release: { try smtp.release() },
                arrivals: { try DeliveryCount.mailTags(smtp) }, stop: { smtp.stop() })
        }
    }

    /// Quick retries; a timeout far past the kill (however late a loaded machine lets the test make it),
    /// so only the kill ends the held call.
    static func table(_ target: String) -> String {
        """
        [notify]
        backoff = "100ms"
        max_backoff = "1s"

        [notify.targets.out]
        \(target)
        timeout = "10m"
        """
    }
}

struct WindowReceiver {
    let target: String
    let waitForHold: @Sendable () async -> Bool
    let release: () throws -> Void
    let arrivals: () throws -> [String]
    let stop: () -> Void
}
