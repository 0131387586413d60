import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GatewayKit
@testable import GatewayCore
import GatewayTestSupport

/// The daemon's events without a daemon: a wake-up between tasks, the doorbell's socket, and the
/// kernel's word that a watched file changed.
@Suite struct DaemonEventsTests {
    @Test func aRingBeforeTheWaitIsNotLost() async {
        let wakeup = Wakeup()
        let seen = wakeup.count
        wakeup.ring()
        // Read before the ring, so the wait returns at once.
        await wakeup.wait(after: seen)
        #expect(wakeup.count == seen + 1)
        let rang = await wakeup.wait(after: wakeup.count) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!rang, "the deadline ended a wait nothing rang")
    }

    @Test func aRingWakesEveryWaiter() async {
        let wakeup = Wakeup()
        let seen = wakeup.count
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 { group.addTask { await wakeup.wait(after: seen) { try await Task.sleep(for: .seconds(60)) } } }
            // The waiters may not be parked yet: that is the case the count covers.
            wakeup.ring()
            for await rang in group { #expect(rang) }
        }
    }

    @Test func aCancelledWaitEnds() async {
        let wakeup = Wakeup()
        let waiting = Task { await wakeup.wait(after: wakeup.count) }
        waiting.cancel()
        await waiting.value
        #expect(wakeup.count == 0)
    }

    @Test func aPokeReachesTheListenerWithItsTopicAndAgent() async throws {
        let directory = TemporaryDirectory("gw-doorbell")
        let town = Town(root: directory.url)
        try FileManager.default.createDirectory(at: town.runtimeDirectory, withIntermediateDirectories: true)
        let received = LockedBox<[DoorbellListener.Poke]>([])
        let arrived = Wakeup()
        let listener = try DoorbellListener(doorbell: DaemonDoorbell(town: town)) { poke in
            received.update { $0.append(poke) }
            arrived.ring()
        }
        defer { listener.cancel() }
        let seen = arrived.count
        #expect(DaemonDoorbell(town: town).ring(.hook, agent: "polecat-nux"))
        #expect(DaemonDoorbell(town: town).ring(.outbox))
        while received.get().count < 2 {
            let rang = await arrived.wait(after: seen) { try await Task.sleep(for: .seconds(10)) }
            #expect(rang, "no poke arrived within 10 s")
            if !rang { break }
        }
        #expect(received.get() == [DoorbellListener.Poke("hook polecat-nux"), DoorbellListener.Poke("outbox")])
        #expect(received.get().first?.agent == "polecat-nux")
        // A topic this version does not know reads as "look at everything".
        #expect(DoorbellListener.Poke("reindex").topic == nil)
        // The socket is the owner's alone.
        let mode = try FileManager.default.attributesOfItem(atPath: listener.file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// A hook must never fail or wait on a daemon that is not there: no socket, the socket a killed daemon
    /// left behind, a socket nobody reads any more, a path too long for a socket address.
    @Test func ringingNeverFailsOrWaitsWhenNoDaemonListens() async throws {
        let directory = TemporaryDirectory("gw-doorbell-stale")
        let town = Town(root: directory.url)
        try FileManager.default.createDirectory(at: town.runtimeDirectory, withIntermediateDirectories: true)
        let doorbell = DaemonDoorbell(town: town)
        #expect(!doorbell.ring(.hook, agent: "mayor"), "no socket")

        // A killed daemon's socket: bound, then its process gone (the descriptor closed, the file left).
        // A process another test spawns at that moment holds a copy of the descriptor until it execs,
        // and the socket lives as long: it refuses once no process holds it.
        let stale = try Self.bound(doorbell.file)
        close(stale)
        #expect(FileManager.default.fileExists(atPath: doorbell.file.path))
        var refused = !doorbell.ring(.hook, agent: "mayor")
        for _ in 0..<500 where !refused {
            try await Task.sleep(for: .milliseconds(10))
            refused = !doorbell.ring(.hook, agent: "mayor")
        }
        #expect(refused, "a stale socket refuses")
        let start = Date()

        // A socket still bound but never read: its queue fills, and ringing goes on without waiting.
        unlink(doorbell.file.path)
        let deaf = try Self.bound(doorbell.file)
        defer { close(deaf) }
        var taken = 0
        for _ in 0..<2_000 where doorbell.ring(.turns) { taken += 1 }
        #expect(taken > 0 && taken < 2_000, "the queue took some pokes, then refused the rest (\(taken))")

        let long = Town(root: directory.url.appendingPathComponent(String(repeating: "x", count: 120)))
        #expect(!DaemonDoorbell(town: long).ring(.hook))
        #expect(throws: GatewayError.self) { try DoorbellListener(doorbell: DaemonDoorbell(town: long)) { _ in } }
        // Every one of those 2,000-odd calls together took well under a second.
        #expect(Date().timeIntervalSince(start) < 1, "\(Date().timeIntervalSince(start)) s")
    }

    @Test func aFileWrittenOrReplacedIsReportedByTheKernel() async throws {
        let directory = TemporaryDirectory("gw-file-watch")
        let changed = Wakeup()
        let watch = try FileWatch(directory: directory.url, names: ["gateway.toml"]) { changed.ring() }
        defer { watch.cancel() }
        let file = directory.path("gateway.toml")
        for write in [
            { try "a = 1\n".write(to: file, atomically: false, encoding: .utf8) },  // in place
            { try "a = 2\n".write(to: file, atomically: true, encoding: .utf8) },   // a new file renamed over it
            { try FileManager.default.removeItem(at: file) },
        ] as [() throws -> Void] {
            let seen = changed.count
            try write()
            let rang = await changed.wait(after: seen) { try await Task.sleep(for: .seconds(10)) }
            #expect(rang, "no event within 10 s")
        }
    }

    static func bound(_ file: URL) throws -> Int32 {
        guard var address = DaemonDoorbell.address(file.path) else { throw GatewayError("path too long") }
        let descriptor = socket(AF_UNIX, DaemonDoorbell.datagram, 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw GatewayError("bind failed: \(String(cString: strerror(errno)))") }
        return descriptor
    }
}
