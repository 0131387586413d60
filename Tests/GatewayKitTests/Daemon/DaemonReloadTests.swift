import Foundation
import LoopbackHTTP
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GatewayKit
@testable import GatewayCore
@testable import GatewayNotify
import GatewayTestSupport

/// The running daemon's config: an edit of gateway.toml or HEARTBEAT.md is taken in without a restart
/// (its safety re-check waits an hour in `TestTown.quickDaemon`, so the kernel's event or SIGHUP did it); a bad
/// edit leaves it on its last good config, says where the problem is, and tells the owner once.
@Suite(.serialized) struct DaemonReloadTests {
    /// A webhook server that records each body it receives.
    final class Receiver: @unchecked Sendable {
        let bodies = LockedBox<[String]>([])
        var server: LoopbackHTTPServer!

        init() throws {
            let bodies = bodies
            server = try LoopbackHTTPServer { request, response in
                bodies.update { $0.append(String(decoding: request.body, as: UTF8.self)) }
                response.respond(status: 200, json: "{}")
            }
        }

        func received(_ text: String) -> Bool { bodies.get().contains { $0.contains(text) } }
    }

    static func hookTarget(_ url: String) -> String { "[notify.targets.hook]\nkind = \"webhook\"\nurl = \"\(url)/hook\"\n" }

    @Test func anEditedTargetAndHeartbeatAreUsedWithoutARestart() async throws {
        let (first, second) = (try Receiver(), try Receiver())
        defer { first.server.stop(); second.server.stop() }
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, Self.hookTarget(first.server.baseURL))
        defer { town.close() }
        try "## Beat task\n- check the builds\n".write(to: town.town.heartbeatFile, atomically: true, encoding: .utf8)
        let daemon = try town.spawnDaemon()
        try await town.waitForMayor()
        await #expect(try town.gw(["notify", "send", "--target", "hook", "before the edit"]).succeeded)
        try await town.wait("the first server's POST") { first.received("before the edit") ? true : nil }

        // The target now points at the second server: the next notification goes there.
        let config = try String(contentsOf: town.town.configFile, encoding: .utf8)
        try config.replacingOccurrences(of: first.server.baseURL, with: second.server.baseURL)
            .write(to: town.town.configFile, atomically: true, encoding: .utf8)
        try await town.wait("the reload in the log") { town.daemonLog.contains("read gateway.toml again") ? true : nil }
        await #expect(try town.gw(["notify", "send", "--target", "hook", "after the edit"]).succeeded)
        try await town.wait("the second server's POST") { second.received("after the edit") ? true : nil }
        #expect(!first.received("after the edit"))

        // The heartbeat, off at the start, now beats every second: beats run with no restart.
        try config.replacingOccurrences(of: "every = \"off\"", with: "every = \"1s\"")
            .replacingOccurrences(of: first.server.baseURL, with: second.server.baseURL)
            .write(to: town.town.configFile, atomically: true, encoding: .utf8)
        let ledger = try town.ledger()
        try await town.wait("a beat of the edited heartbeat") { try await ledger.heartbeatHistory(limit: 1).first }
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    @Test func aBadEditKeepsTheRunningConfigSaysWhereAndIsToldOnce() async throws {
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, "[heartbeat]\nurgent = [\"log\"]", "[notify.targets.log]\nkind = \"console\"")
        defer { town.close() }
        let daemon = try town.spawnDaemon(["--verbose"])
        try await town.waitForMayor()
        let good = try String(contentsOf: town.town.configFile, encoding: .utf8)
        let ledger = try town.ledger()
        func told() async throws -> [OutboxEntry] {
            try await ledger.outboxEntries(limit: 100_000).filter { $0.source.hasPrefix("config:gateway.toml:") }
        }

        // A bad value on a known line.
        let bad = good.replacingOccurrences(of: "health_check = \"1s\"", with: "health_check = \"1s\"\nbeat_retry = \"soon\"")
        let line = try #require(bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("beat_retry") }) + 1
        try bad.write(to: town.town.configFile, atomically: true, encoding: .utf8)
        let location = "gateway.toml:\(line): daemon.beat_retry"
        try await town.wait("the problem in the log") { town.daemonLog.contains(location) ? true : nil }
        try await town.wait("the owner told") {
            town.daemonLog.contains("[notify log] [urgent] Gateway: gateway.toml has a problem") ? true : nil
        }
        let status = try await town.gw(["daemon", "status"])
        #expect(status.stdout.contains("It runs on the last good version of gateway.toml"), "\(status.stdout)")
        #expect(status.stdout.contains(location), "\(status.stdout)")
        let json = try await town.gw(["daemon", "status", "--json"])
        #expect(json.stdout.contains(location), "\(json.stdout)")

        // Still running, on the config it had: a turn goes through. (Commands read gateway.toml
        // themselves and refuse it now, so the turn is queued as they would queue it, then rung for.)
        let turn = try await ledger.enqueueTurn(agent: "mayor", text: "still here", source: "manual", at: Date())
        #expect(DaemonDoorbell(town: town.town).ring(.turns))
        let reply = try await town.wait("the turn done") { try await ledger.turn(turn)?.reply }
        #expect(reply.contains("ECHO: still here"))
        // Read again (SIGHUP), the same bad text is not a new edit: nothing more is told.
        let checks = town.daemonLog.components(separatedBy: "read again: nothing new").count
        daemon.signal(SIGHUP)
        try await town.wait("the re-check after SIGHUP") {
            town.daemonLog.components(separatedBy: "read again: nothing new").count > checks ? true : nil
        }
        #expect(try await told().count == 1)

        // Another bad edit is told again.
        try bad.replacingOccurrences(of: "beat_retry = \"soon\"", with: "beat_retry = \"later\"")
            .write(to: town.town.configFile, atomically: true, encoding: .utf8)
        try await town.wait("the second notification") { try await told().count == 2 ? true : nil }
        // Fixed: the trouble is gone from the status.
        try good.write(to: town.town.configFile, atomically: true, encoding: .utf8)
        try await town.wait("the fix taken in") { town.daemonLog.contains("gateway.toml reads well again") ? true : nil }
        let fixed = try await town.gw(["daemon", "status"])
        #expect(!fixed.stdout.contains("It runs on the last good version"), "\(fixed.stdout)")
        #expect(try await told().count == 2)
        #expect(DaemonPidFile.runningPid(town.town) == daemon.pid)
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }

    /// gateway.toml as a symlink into another folder (a dotfiles repository): an edit of its target
    /// changes no entry of the town's folder, so only SIGHUP (or the hourly re-check) reads it.
    @Test func sighupReadsTheConfigAgain() async throws {
        let (first, second) = (try Receiver(), try Receiver())
        defer { first.server.stop(); second.server.stop() }
        let town = try await TestTown(.sim(), config: TestTown.quickDaemon, Self.hookTarget(first.server.baseURL))
        defer { town.close() }
        let elsewhere = town.directory.path("dotfiles-gateway.toml")
        try FileManager.default.moveItem(at: town.town.configFile, to: elsewhere)
        try FileManager.default.createSymbolicLink(at: town.town.configFile, withDestinationURL: elsewhere)
        let daemon = try town.spawnDaemon()
        try await town.wait("the pid file") { DaemonPidFile.runningPid(town.town) == daemon.pid ? true : nil }
        // The config service runs once it has written what it reads.
        try await town.wait("the config report") { FileSystem.exists(DaemonConfigReport.file(for: town.town)) ? true : nil }

        let config = try String(contentsOf: elsewhere, encoding: .utf8)
        try config.replacingOccurrences(of: first.server.baseURL, with: second.server.baseURL).write(to: elsewhere, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await town.wait("the reload in the log") { town.daemonLog.contains("read gateway.toml again") ? true : nil }
        #expect(town.daemonLog.contains("SIGHUP: reading gateway.toml and HEARTBEAT.md again"))
        await #expect(try town.gw(["notify", "send", "--target", "hook", "after SIGHUP"]).succeeded)
        try await town.wait("the second server's POST") { second.received("after SIGHUP") ? true : nil }
        #expect(!first.received("after SIGHUP"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.wait() == 0)
    }
}
