import Foundation
import Testing
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

/// Scenario 4: the SMTP server is down for a while — nothing listens on its port — while the daemon's
/// outbox worker keeps trying and more mail is queued behind the first; then a server starts on the same
/// port. Read back from what the server recorded: every mail arrives, exactly once, in the order queued.
@Suite struct FaultSMTPOutageTests {
    @Test func mailQueuedDuringAnOutageArrivesOnceAndInOrder() async throws {
        var tally = FaultTally("smtp-outage")
        let outages = FaultPlan.trials(short: 1, full: 5)
        let perOutage = FaultPlan.isFull ? 10 : 5
        let base = TemporaryDirectory("gw-smtp-outage")
        // The port is held by a bound socket that never listens: connections are refused as if the
        // server were down, and no other program on the machine can take the port meanwhile.
        var outage = try ClosedPort()
        let port = outage.port

        let rig = try await NotifyTestRig(Self.toml(port: port))
        // The daemon's outbox service, woken as whatever queues a notification wakes it; between rings it
        // waits for the next retry, whose backoff is the only timer here.
        let wakeup = Wakeup()
        let config = DaemonConfig(fixed: try GatewayConfig.parse(Self.toml(port: port)), town: rig.town)
        let service = OutboxService(config: config, environment: rig.environment, wakeup: wakeup)
        let running = Task { try await service.run() }
        defer { running.cancel() }

        var sent: [String] = []
        var arrivals: [String] = []
        for index in 0..<outages {
            if index > 0 { outage = try ClosedPort(port) }
            let tags = (0..<perOutage).map { String(format: "outage-%02d-mail-%02d", index, $0) }
            // The first mail meets the closed port twice (retried with backoff) before the rest are queued.
            let head = try await rig.enqueue("fault:\(tags[0])", target: "mail", title: tags[0], text: tags[0])
            wakeup.ring()
            do {
                try await pollUntil("the worker to meet the outage") {
                    try await rig.ledger.outboxEntry(head.id).flatMap { $0.attempts >= 2 ? true : nil }
                }
            } catch {
                let row = try await rig.ledger.outboxEntry(head.id)
                throw GatewayError("\(error.userMessage); the row: \(String(describing: row)); the worker's log:\n\(rig.log.text.suffix(3000))")
            }
            var ids = [head.id]
            for tag in tags.dropFirst() {
                ids.append(try await rig.enqueue("fault:\(tag)", target: "mail", title: tag, text: tag).id)
                wakeup.ring()
            }
            sent += tags
            tally.faults += 1

            outage.release()
            let smtp = try await SMTPDouble(in: base.url, port: port, record: "received-\(index)")
            #expect(smtp.port == port)
            let final = try await pollUntil("the queued mail to be delivered", timeout: 120) { () -> [OutboxEntry]? in
                var entries: [OutboxEntry] = []
                for id in ids { if let entry = try await rig.ledger.outboxEntry(id) { entries.append(entry) } }
                return entries.allSatisfy { $0.state == .delivered || $0.state == .failed } ? entries : nil
            }
            for entry in final where entry.state != .delivered {
                tally.fail("\(entry.source) ended \(entry.state.rawValue): \(entry.lastError ?? "no error recorded")")
            }
            arrivals += try DeliveryCount.mailTags(smtp)
            smtp.stop()
        }
        running.cancel()
        try await running.value

        tally.trials = sent.count
        DeliveryCount.tally(arrivals, sent: sent, channel: "email", into: &tally)
        DeliveryCount.checkOrder(arrivals, sent: sent, channel: "email", into: &tally)
        #expect(rig.log.text.contains("could not connect to the SMTP server 127.0.0.1:\(port)"), "the worker never met the outage")
        tally.finish()
    }

    /// Mail through curl to 127.0.0.1:`port`, retried quickly and often enough to outlast the outage.
    static func toml(port: Int) -> String {
        """
        [notify]
        max_attempts = 40
        backoff = "100ms"
        max_backoff = "1s"

        [notify.targets.mail]
        kind = "email"
        host = "127.0.0.1"
        port = \(port)
        tls = "none"
        from = "Gateway <gw@example.com>"
        to = ["owner@example.com"]
        timeout = "20s"
        """
    }
}

/// A loopback TCP port bound but never listening: connecting to it is refused, as to a server that is
/// down, and no other program can bind it until `release()`.
struct ClosedPort {
    let port: Int
    private var fd: Int32

    /// Binds `port`, or a free port when 0.
    init(_ port: Int = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw GatewayError("socket() failed: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw GatewayError("could not bind 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw GatewayError("getsockname() failed: \(String(cString: strerror(errno)))")
        }
        fd = descriptor
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// Frees the port for the server that comes back.
    mutating func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }
}
